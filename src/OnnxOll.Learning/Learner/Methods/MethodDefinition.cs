using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>A method of the catalog: its name, its keys with their defaults (null: required), a check of a spec's values and the
/// factory of its plugin.</summary>
/// <param name="Name">The name given to <c>--method</c> (e.g. <c>replay</c>).</param>
/// <param name="Keys">Each key and its default value as text, in canonical order; a null default makes the key required.</param>
/// <param name="Check">Throws <see cref="ArgumentException"/> naming the key when a value is invalid (called when the spec is parsed).</param>
/// <param name="Create">Makes the plugin for a checked spec.</param>
public sealed record MethodDefinition(
    string Name,
    IReadOnlyList<KeyValuePair<string, string?>> Keys,
    Action<MethodSpec> Check,
    Func<MethodSpec, MethodHost, LearnerPlugin> Create)
{
    /// <summary>The PET method a spec adds to the model's PET spec (null: none), for methods whose tensors live in the towers' graphs.</summary>
    public Func<MethodSpec, PetMethod>? Pet { get; init; }
}
