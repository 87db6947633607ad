using System.Text.RegularExpressions;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Deploy.Peft;

/// <summary>PEFT's tensor keys (<c>base_model.model.&lt;module&gt;.lora_A.weight</c>) and the CLIP encoder modules they name.</summary>
public static partial class PeftModuleNames
{
    /// <summary>The prefix PEFT's <c>save_pretrained</c> gives every key (the adapter name is stripped).</summary>
    public const string Prefix = "base_model.model.";

    /// <summary>The linear layers OnnxOll's LoRA targets, by module suffix.</summary>
    public static IReadOnlyDictionary<string, LoraTarget> Targets { get; } = new Dictionary<string, LoraTarget>(StringComparer.Ordinal)
    {
        ["self_attn.q_proj"] = LoraTarget.Q,
        ["self_attn.k_proj"] = LoraTarget.K,
        ["self_attn.v_proj"] = LoraTarget.V,
        ["self_attn.out_proj"] = LoraTarget.O,
        ["mlp.fc1"] = LoraTarget.Fc1,
        ["mlp.fc2"] = LoraTarget.Fc2,
    };

    /// <summary>The PEFT key of LoRA factor <paramref name="factor"/> (<c>A</c> or <c>B</c>) of module <paramref name="module"/>.</summary>
    public static string LoraKey(string module, char factor) => $"{Prefix}{module}.lora_{factor}.weight";

    /// <summary>Splits a CLIP encoder linear module (<c>vision_model.encoder.layers.3.self_attn.q_proj</c>) into tower, layer and target; null when it is none.</summary>
    public static (ClipTower Tower, int Layer, LoraTarget Target)? Parse(string module)
    {
        var m = ModulePattern().Match(module);
        return m.Success
            ? (m.Groups[1].Value == "vision_model" ? ClipTower.Vision : ClipTower.Text, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Targets[m.Groups[3].Value])
            : null;
    }

    /// <summary>True when a LoRA method of <paramref name="spec"/> with the shared-A qkv target covers this tower and layer.</summary>
    public static bool IsFusedQkv(PetSpec spec, ClipTower tower, int layer) =>
        spec.Lora.Any(l => l.Targets.Contains(LoraTarget.Qkv) && l.Covers(tower) && (l.Layers.Layers is null || l.Layers.Layers.Contains(layer)));

    [GeneratedRegex(@"^(vision_model|text_model)\.encoder\.layers\.(\d+)\.(self_attn\.(?:q_proj|k_proj|v_proj|out_proj)|mlp\.(?:fc1|fc2))$")]
    private static partial Regex ModulePattern();
}
