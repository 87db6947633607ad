namespace OnnxOll.Clip.Pet;

/// <summary>Which towers a PET method is inserted into (<c>towers=image|text|both</c>).</summary>
public enum PetTowers
{
    /// <summary>The vision tower only.</summary>
    Image,

    /// <summary>The text tower only.</summary>
    Text,

    /// <summary>Both towers.</summary>
    Both,
}
