namespace OnnxOll.Benchmarks;

/// <summary>int8 vs float32 on one model and batch: image embeddings, loss, and each PET tensor's gradient.</summary>
/// <param name="Case">Name of the case (model shape and PET placement).</param>
/// <param name="EmbeddingRelativeError">Largest ‖e₈ − e₃₂‖ / ‖e₃₂‖ over the batch's L2-normalised image embeddings (with PET).</param>
/// <param name="LossFloat32">The SIT loss with float32 weights.</param>
/// <param name="LossInt8">The SIT loss with int8 weights.</param>
/// <param name="Tensors">Gradient fidelity per PET tensor.</param>
public sealed record FidelityResult(string Case, double EmbeddingRelativeError, double LossFloat32, double LossInt8, IReadOnlyList<TensorFidelity> Tensors)
{
    /// <summary>The smallest gradient cosine over the PET tensors.</summary>
    public double MinCosine => Tensors.Min(t => t.Cosine);

    /// <summary>The largest gradient relative error over the PET tensors.</summary>
    public double MaxRelativeError => Tensors.Max(t => t.RelativeError);

    /// <summary>The median gradient relative error over the PET tensors.</summary>
    public double MedianRelativeError
    {
        get
        {
            var sorted = Tensors.Select(t => t.RelativeError).Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    /// <summary>The PET tensor with the largest gradient relative error.</summary>
    public string WorstTensor => Tensors.MaxBy(t => t.RelativeError)!.Name;
}
