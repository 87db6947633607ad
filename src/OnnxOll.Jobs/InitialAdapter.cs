using OnnxOll.Deploy.Pet;

namespace OnnxOll.Jobs;

/// <summary>The PET tensors a job starts from (<see cref="LearningJobSettings.InitAdapter"/>) and the settings they imply.</summary>
public static class InitialAdapter
{
    /// <summary>Opens the initial adapter, if any; returns the settings with its PET spec (and its prompts unless some were given).</summary>
    /// <exception cref="ArgumentException">The adapter's PET spec differs from a given one, or the job also resumes.</exception>
    public static (LearningJobSettings Settings, PetSource? Source) Resolve(LearningJobSettings settings, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(warn);
        if (settings.InitAdapter is not { } adapter)
        {
            return (settings, null);
        }

        if (settings.Resume)
        {
            throw new ArgumentException("Give --resume or --init-adapter, not both.");
        }

        var init = PetSource.Open(adapter, null, settings.ModelDirectory, settings.AllowOtherModel);
        if (init.Warning is { } warning)
        {
            warn(warning);
        }

        if (settings.PetGiven && settings.Pet.ToString() != init.Spec.ToString())
        {
            throw new ArgumentException($"--init-adapter {adapter} holds PET spec '{init.Spec}', --pet is '{settings.Pet}'.");
        }

        var resolved = settings with { Pet = init.Spec };
        if (init.Prompts is { Count: > 0 } learnedWith && !settings.PromptsGiven)
        {
            resolved = resolved with { Learner = resolved.Learner with { Prompts = [.. learnedWith] } };
        }

        return (resolved, init);
    }
}
