namespace OnnxOll.Learning.Runs;

/// <summary>A run folder cannot be used as asked: another process owns it, it holds another run, or its settings differ.</summary>
public sealed class RunFolderException(string message) : IOException(message);
