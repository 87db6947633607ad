namespace OnnxOll.Clip.Pet;

/// <summary>The spellings of PET spec enum values (lower case, as written in spec strings).</summary>
internal static class PetSpecText
{
    public static string Name(PetTowers towers) => towers switch
    {
        PetTowers.Image => "image",
        PetTowers.Text => "text",
        _ => "both",
    };

    public static string Name(LoraTarget target) => target.ToString().ToLowerInvariant();

    public static string Name(LoraInit init) => init.ToString().ToLowerInvariant();

    public static PetTowers Towers(string value) => value switch
    {
        "image" => PetTowers.Image,
        "text" => PetTowers.Text,
        "both" => PetTowers.Both,
        _ => throw Bad("towers", value, "image, text or both"),
    };

    public static LoraTarget Target(string value) =>
        Enum.GetValues<LoraTarget>().Where(t => Name(t) == value).Select(t => (LoraTarget?)t).FirstOrDefault()
            ?? throw Bad("targets", value, "q, k, v, o, fc1, fc2 or qkv, joined with +");

    public static LoraInit Init(string value) => value switch
    {
        "zero" => LoraInit.Zero,
        "xavier" => LoraInit.Xavier,
        _ => throw Bad("init", value, "zero or xavier"),
    };

    public static FormatException Bad(string key, string value, string expected) =>
        new($"PET spec: {key}={value} is not valid, expected {expected}.");
}
