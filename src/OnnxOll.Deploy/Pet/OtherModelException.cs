namespace OnnxOll.Deploy.Pet;

/// <summary>Thrown when PET tensors recorded as learned on one model are used with another (the model hashes differ).</summary>
public sealed class OtherModelException(string message) : ArgumentException(message);
