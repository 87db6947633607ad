using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Deploy.Pet;

/// <summary>The one check that PET tensors are used with the model they were learned on: their recorded model hash against the model folder's.</summary>
public static class ModelMatch
{
    /// <summary>The option that lets PET learned on another model be used deliberately.</summary>
    public const string AllowOption = "--allow-other-model";

    /// <summary>Null when <paramref name="recordedHash"/> is <paramref name="modelDirectory"/>'s hash; otherwise a warning when
    /// <paramref name="allowOtherModel"/>, else <see cref="OtherModelException"/>.</summary>
    /// <param name="source">The run, checkpoint or adapter, for the message.</param>
    /// <param name="recordedHash">The model hash the source records.</param>
    /// <param name="recordedModel">The model folder the source names (e.g. PEFT's <c>base_model_name_or_path</c>), or null.</param>
    /// <param name="modelDirectory">The model the tensors are about to be used with.</param>
    /// <param name="allowOtherModel">Use them anyway, with a warning.</param>
    /// <exception cref="OtherModelException">The hashes differ and <paramref name="allowOtherModel"/> is false; the message names both models.</exception>
    public static string? Check(string source, string recordedHash, string? recordedModel, string modelDirectory, bool allowOtherModel)
    {
        string hash = ModelHash.Compute(modelDirectory);
        if (string.Equals(recordedHash, hash, StringComparison.Ordinal))
        {
            return null;
        }

        string learnedOn = $"{recordedModel ?? "a model"} (model hash {ModelHash.Short(recordedHash)})";
        string given = $"--model {modelDirectory} (model hash {ModelHash.Short(hash)})";
        string legacy = string.Equals(recordedHash, ModelHash.ComputeHeadersOnly(modelDirectory), StringComparison.Ordinal)
            ? "; its hash was recorded by an OnnxOll that hashed config.json and the safetensors headers only, which match (same shapes), so the weights may or may not be those it was learned on"
            : string.Empty;
        return allowOtherModel
            ? $"{source}: learned on {learnedOn}, not on {given}{legacy}; using its PET with this model ({AllowOption})"
            : throw new OtherModelException($"{source}: learned on {learnedOn}, not on {given}{legacy}; give the model it was learned on, or {AllowOption} to use its PET with this one deliberately.");
    }
}
