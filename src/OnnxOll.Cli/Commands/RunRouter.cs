using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Methods;

namespace OnnxOll.Cli.Commands;

/// <summary>The DDAS router of the run a command serves, from the run's latest good checkpoint.</summary>
internal static class RunRouter
{
    /// <summary>The router of <paramref name="path"/> when <paramref name="source"/> is a run folder's checkpoint (null: an adapter, a
    /// tensor file or a checkpoint file was given, or the run learned without DDAS).</summary>
    public static AutoencoderRouter? Of(string? path, PetSource? source) =>
        path is not null && source?.Checkpoint is not null && Directory.Exists(path) ? DistributionSelector.LoadRouter(path) : null;
}
