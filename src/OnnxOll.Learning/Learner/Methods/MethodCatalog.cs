using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>The methods <c>--method NAME:key=value,...</c> can name, each registered by one line, and the plugins they make.</summary>
public static class MethodCatalog
{
    private static readonly MethodDefinition[] Definitions =
    [
        ZeroShotDistillation.Definition,
        ReplayMemory.Definition,
        OnlineLora.Definition,
        DistributionSelector.Definition,
        ClassVocabularyLearning.Definition,
        MoeAdapters.Definition,
    ];

    /// <summary>The registered method names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Definitions.Select(d => d.Name)];

    /// <summary>The definition of method <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No method has that name; the message lists the valid ones.</exception>
    public static MethodDefinition Find(string name) =>
        Definitions.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"--method: '{name}' is not a method; valid: {string.Join(", ", Names)}.");

    /// <summary><paramref name="pet"/> with the PET methods <paramref name="specs"/> add (MoE-Adapters' experts) appended unless already there; the model a
    /// learner with these methods runs on is opened with this spec.</summary>
    public static PetSpec WithPet(PetSpec pet, IReadOnlyList<MethodSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(pet);
        ArgumentNullException.ThrowIfNull(specs);
        var added = specs.Select(s => Find(s.Name).Pet?.Invoke(s)).OfType<PetMethod>().Where(m => !pet.Methods.Contains(m)).ToArray();
        return added.Length == 0 ? pet : PetSpec.Of([.. pet.Methods, .. added]);
    }

    /// <summary>The plugins of <paramref name="specs"/>, in order, made for <paramref name="host"/>.</summary>
    /// <exception cref="ArgumentException">A method is named twice, or a spec's value does not fit its method.</exception>
    public static IReadOnlyList<LearnerPlugin> Create(IReadOnlyList<MethodSpec> specs, MethodHost host)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"--method: '{twice.Key}' is given {twice.Count()} times; give each method once.");
        }

        var plugins = new List<LearnerPlugin>(specs.Count);
        try
        {
            foreach (var spec in specs)
            {
                plugins.Add(Find(spec.Name).Create(spec, host));
            }
        }
        catch
        {
            foreach (var plugin in plugins.OfType<IDisposable>())
            {
                plugin.Dispose();
            }

            throw;
        }

        return plugins;
    }
}
