namespace OnnxOll.Clip.Pet;

/// <summary>A LoRA insertion point: the graph inputs holding A [r, in] and B [out, r] and the update's scale alpha / r.</summary>
public sealed record LoraSite(string A, string B, int Rank, double Scale);
