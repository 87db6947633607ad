namespace OnnxOll.Benchmarks;

/// <summary>How close one PET tensor's int8 gradient is to its float32 gradient: cosine and ‖g₈ − g₃₂‖ / ‖g₃₂‖.</summary>
public sealed record TensorFidelity(string Name, double Cosine, double RelativeError);
