using System.Globalization;
using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Pet;

/// <summary>A parsed PET specification: LoRA and adapter methods joined with <c>;</c>, e.g.
/// <c>lora:r=4,alpha=1,towers=image,layers=all,targets=q+v,init=zero;adapter:dim=64,scale=0.1,dropout=0.1,towers=both</c>.</summary>
/// <remarks>Absent keys take the defaults of <see cref="LoraSpec"/> and <see cref="AdapterSpec"/>; <c>none</c> (or empty) is no PET.</remarks>
public sealed class PetSpec
{
    private PetSpec(IReadOnlyList<PetMethod> methods) => Methods = methods;

    /// <summary>No PET: the base model.</summary>
    public static PetSpec None { get; } = new([]);

    /// <summary>The methods in the order given.</summary>
    public IReadOnlyList<PetMethod> Methods { get; }

    /// <summary>The LoRA methods.</summary>
    public IEnumerable<LoraSpec> Lora => Methods.OfType<LoraSpec>();

    /// <summary>The adapter methods.</summary>
    public IEnumerable<AdapterSpec> Adapters => Methods.OfType<AdapterSpec>();

    /// <summary>The adapter-expert methods.</summary>
    public IEnumerable<MoeSpec> Moes => Methods.OfType<MoeSpec>();

    /// <summary>True when any method covers <paramref name="tower"/>.</summary>
    public bool Covers(ClipTower tower) => Methods.Any(m => m.Covers(tower));

    /// <summary>A spec made of the given methods.</summary>
    public static PetSpec Of(params PetMethod[] methods) => new(methods.ToArray());

    /// <summary>Parses the spec grammar.</summary>
    /// <exception cref="FormatException">Unknown method, key or value, a duplicate key, or qkv mixed with q, k or v; the message names the key.</exception>
    public static PetSpec Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed == "none")
        {
            return None;
        }

        var methods = trimmed.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseMethod).ToArray();
        return new PetSpec(methods);
    }

    /// <summary>Checks the spec against a model: layers must exist in every covered tower and no linear layer may get two LoRAs.</summary>
    /// <exception cref="ArgumentException">The message names the offending layer or target.</exception>
    public void Validate(ClipConfig config) => _ = new PetLayout(this, config);

    /// <summary>The canonical text: methods joined with <c>;</c>, each with every key; <c>none</c> when empty.</summary>
    public override string ToString() => Methods.Count == 0 ? "none" : string.Join(";", Methods.Select(m => m.ToString()));

    private static PetMethod ParseMethod(string text)
    {
        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim();
        var keys = ParseKeys(colon < 0 ? "" : text[(colon + 1)..], text);
        PetMethod method = kind switch
        {
            "lora" => ParseLora(keys),
            "adapter" => ParseAdapter(keys),
            "moe" => ParseMoe(keys),
            _ => throw new FormatException($"PET spec: method '{kind}' in '{text}' is unknown, expected lora, adapter or moe."),
        };
        if (keys.Count > 0)
        {
            throw new FormatException($"PET spec: key '{keys.Keys.First()}' is not valid for {kind} (in '{text}').");
        }

        return method;
    }

    private static LoraSpec ParseLora(Dictionary<string, string> keys)
    {
        var spec = new LoraSpec();
        if (Take(keys, "r") is string r)
        {
            spec = spec with { Rank = PositiveInt("r", r) };
        }

        if (Take(keys, "alpha") is string alpha)
        {
            spec = spec with { Alpha = Number("alpha", alpha, positive: true) };
        }

        if (Take(keys, "targets") is string targets)
        {
            var list = targets.Split('+', StringSplitOptions.TrimEntries).Select(PetSpecText.Target).Distinct().Order().ToArray();
            if (list.Contains(LoraTarget.Qkv) && list.Any(t => t is LoraTarget.Q or LoraTarget.K or LoraTarget.V))
            {
                throw new FormatException($"PET spec: targets={targets} mixes qkv (one A shared by q, k, v) with q, k or v.");
            }

            spec = spec with { Targets = list };
        }

        if (Take(keys, "init") is string init)
        {
            spec = spec with { Init = PetSpecText.Init(init) };
        }

        return Placement(spec, keys);
    }

    private static AdapterSpec ParseAdapter(Dictionary<string, string> keys)
    {
        var defaults = new AdapterSpec();
        var (dim, scale, dropout) = Bottleneck(keys, defaults.Dim, defaults.Scale, defaults.Dropout);
        var spec = defaults with { Dim = dim, Scale = scale, Dropout = dropout };
        return Placement(spec, keys);
    }

    /// <summary>A bottleneck's dim, scale and dropout keys (adapters and MoE experts), each defaulting to the given value.</summary>
    private static (int Dim, double Scale, double Dropout) Bottleneck(Dictionary<string, string> keys, int dim, double scale, double dropout)
    {
        if (Take(keys, "dim") is string d)
        {
            dim = PositiveInt("dim", d);
        }

        if (Take(keys, "scale") is string s)
        {
            scale = Number("scale", s, positive: false);
        }

        if (Take(keys, "dropout") is string p)
        {
            dropout = Number("dropout", p, positive: false);
            if (dropout is < 0 or >= 1)
            {
                throw PetSpecText.Bad("dropout", p, "a ratio in [0, 1)");
            }
        }

        return (dim, scale, dropout);
    }

    private static MoeSpec ParseMoe(Dictionary<string, string> keys)
    {
        var spec = new MoeSpec();
        if (Take(keys, "experts") is string experts)
        {
            spec = spec with { Experts = PositiveInt("experts", experts) };
        }

        if (Take(keys, "topk") is string topk)
        {
            spec = spec with { TopK = PositiveInt("topk", topk) };
        }

        if (spec.TopK > spec.Experts)
        {
            throw PetSpecText.Bad("topk", spec.TopK.ToString(CultureInfo.InvariantCulture), $"at most experts={spec.Experts}");
        }

        var (dim, scale, dropout) = Bottleneck(keys, spec.Dim, spec.Scale, spec.Dropout);
        spec = spec with { Dim = dim, Scale = scale, Dropout = dropout };

        if (Take(keys, "route") is string route)
        {
            spec = spec with { RouteClassToken = route == "cls" || (route == "mean" ? false : throw PetSpecText.Bad("route", route, "cls or mean")) };
        }

        return Placement(spec, keys);
    }

    private static T Placement<T>(T spec, Dictionary<string, string> keys) where T : PetMethod
    {
        if (Take(keys, "towers") is string towers)
        {
            spec = spec with { Towers = PetSpecText.Towers(towers) };
        }

        if (Take(keys, "layers") is string layers)
        {
            spec = spec with { Layers = LayerSelection.Parse(layers) };
        }

        return spec;
    }

    /// <summary>Splits <c>k=v,k=v</c>; an item without '=' continues the previous value (so <c>layers=0,3,8-11</c> works).</summary>
    private static Dictionary<string, string> ParseKeys(string body, string method)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body))
        {
            return keys;
        }

        string? last = null;
        foreach (string raw in body.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0)
            {
                throw new FormatException($"PET spec: empty item in '{method}'.");
            }

            int eq = raw.IndexOf('=');
            if (eq < 0)
            {
                keys[last ?? throw new FormatException($"PET spec: item '{raw}' in '{method}' is not key=value.")] += "," + raw;
                continue;
            }

            last = raw[..eq].Trim();
            if (!keys.TryAdd(last, raw[(eq + 1)..].Trim()))
            {
                throw new FormatException($"PET spec: key '{last}' appears twice in '{method}'.");
            }
        }

        return keys;
    }

    private static string? Take(Dictionary<string, string> keys, string key) => keys.Remove(key, out var v) ? v : null;

    private static int PositiveInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i > 0 ? i : throw PetSpecText.Bad(key, value, "a positive integer");

    private static double Number(string key, string value, bool positive) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && (!positive || d > 0) && d >= 0
            ? d
            : throw PetSpecText.Bad(key, value, positive ? "a positive number" : "a number >= 0");
}
