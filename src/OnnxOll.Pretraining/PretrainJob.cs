using OnnxOll.Runtime;

namespace OnnxOll.Pretraining;

/// <summary>One pretraining job: recipe, data, tokenizer files, optional label hierarchy, output model folder, seed and sessions.</summary>
public sealed record PretrainJob
{
    /// <summary>The model recipe.</summary>
    public required PretrainRecipe Recipe { get; init; }

    /// <summary>The data spec (as for <c>learn</c>); its train split trains, its test split measures zero-shot accuracy.</summary>
    public required string DataSpec { get; init; }

    /// <summary>Folder with the CLIP BPE files <c>vocab.json</c> and <c>merges.txt</c> (copied into the model folder).</summary>
    public required string TokenizerDirectory { get; init; }

    /// <summary>Optional superclass → classes JSON file for superclass phrases in captions.</summary>
    public string? HierarchyPath { get; init; }

    /// <summary>The Hugging Face model folder written at the end; its <c>pretrain-run</c> sub-folder holds the checkpoints.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Seed of the weights, the batch order, the augmentation and the captions.</summary>
    public int Seed { get; init; }

    /// <summary>Continue from the latest good checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Let a new pretraining replace the model an earlier one left in the output folder (a <see cref="Resume"/> continues its own).</summary>
    public bool Force { get; init; }

    /// <summary>Checkpoint every this many steps as well as at each epoch end (0: epoch ends only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>ONNX Runtime settings.</summary>
    public SessionSettings Settings { get; init; } = SessionSettings.Default;

    /// <summary>The checkpoint folder inside the output folder.</summary>
    public string RunDirectory => Path.Combine(OutputDirectory, "pretrain-run");
}
