namespace OnnxOll.Serving;

/// <summary>A request the service refuses: the HTTP status and one line saying why.</summary>
public sealed class RequestError(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status code to answer with.</summary>
    public int Status { get; } = status;
}
