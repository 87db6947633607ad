using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Runtime;

namespace OnnxOll.Deploy.Export;

/// <summary>What <see cref="ModelExporter"/> writes: the PET spec or the learned tensors, whether to merge LoRA, and the class vocabulary.</summary>
public sealed record ExportOptions
{
    /// <summary>The learned PET tensors (a run, checkpoint or adapter); their spec, prompts and classes are exported with them.</summary>
    public PetSource? Pet { get; init; }

    /// <summary>The PET spec when no tensors are given (the export then holds initial tensors); must equal <see cref="Pet"/>'s spec when both are set.</summary>
    public PetSpec? Spec { get; init; }

    /// <summary>Also write <c>merged/</c>: the LoRA of <see cref="Pet"/> folded into the weights.</summary>
    public bool Merge { get; init; }

    /// <summary>Whether the inference graphs' PET inputs have zero initializers (default) or must be fed.</summary>
    public PetInputMode PetInputs { get; init; } = PetInputMode.Optional;

    /// <summary>Seed of the initial PET tensors (without <see cref="Pet"/>).</summary>
    public int Seed { get; init; }

    /// <summary>Precision of the frozen linear weights in the exported graphs (int8 adds weights-int8.bin).</summary>
    public FrozenPrecision Frozen { get; init; } = FrozenPrecision.Float32;

    /// <summary>Training graph with the official code's softmax-twice quirk.</summary>
    public bool DoubleSoftmax { get; init; }

    /// <summary>Prompt templates; default: the source's, else the default template.</summary>
    public IReadOnlyList<string>? Prompts { get; init; }

    /// <summary>Class vocabulary whose text features are exported; default: the source's classes (none when unknown).</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>The run's DDAS router (a run learned with <c>--method ddas</c>): exported as <c>router.onnx</c> with the routing rule.</summary>
    public AutoencoderRouter? Router { get; init; }

    /// <summary>Sessions used to compute the class features.</summary>
    public SessionSettings? Settings { get; init; }
}
