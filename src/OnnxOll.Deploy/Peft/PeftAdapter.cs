using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Pet;

namespace OnnxOll.Deploy.Peft;

/// <summary>An adapter folder read back: its PET spec, its tensors under OnnxOll's names, and what it records of its origin.</summary>
/// <param name="Spec">The PET spec (stored by OnnxOll, or inferred from a PEFT config and its tensors).</param>
/// <param name="Tensors">The tensors, named as OnnxOll's graph inputs.</param>
/// <param name="BaseModel">The config's <c>base_model_name_or_path</c>, or null.</param>
/// <param name="ModelHash">The hash of the model it was learned on (metadata OnnxOll writes), or null.</param>
/// <param name="Prompts">The prompt templates the adapter was learned with, or null.</param>
/// <param name="Classes">The classes it was learned on, or null.</param>
public sealed record PeftAdapter(PetSpec Spec, PetTensorSet Tensors, string? BaseModel, string? ModelHash, IReadOnlyList<string>? Prompts, IReadOnlyList<string>? Classes);
