using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Graphs;

/// <summary>Where a CLIP graph's weights come from: frozen initializers (<see cref="FrozenWeights"/>) or trainable graph inputs (<see cref="TrainableWeights"/>).</summary>
/// <remarks>Both use the stored layout of <see cref="ClipStoredLayout"/> (linear weights pre-transposed), so the graph code is the same for both.</remarks>
public interface IClipWeightSource
{
    /// <summary>The model config.</summary>
    ClipConfig Config { get; }

    /// <summary>The stored shape of tensor <paramref name="name"/>.</summary>
    long[] Shape(string name);
}
