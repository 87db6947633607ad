using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Pet;

/// <summary>A <see cref="PetSpec"/> resolved against a model: every PET tensor (PEFT names) and where each goes.</summary>
/// <remarks>LoRA on linear <c>n</c> is <c>n.lora_A</c> [r, in] and <c>n.lora_B</c> [out, r]; the shared-A q,k,v LoRA of layer <c>L</c> is
/// <c>L.self_attn.qkv.lora_A</c> [r, D] and <c>L.self_attn.qkv.lora_B</c> [3D, r]; adapters are <c>L.adapter.{down,up}.{weight,bias}</c>;
/// adapter experts are <c>L.moe.router.weight</c> [E, D] and <c>L.moe.experts.{down,up}.{weight,bias}</c> (expert first).</remarks>
public sealed class PetLayout
{
    private readonly Dictionary<string, LoraSite> lora = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AdapterSite> adapters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MoeSite> moes = new(StringComparer.Ordinal);
    private readonly List<PetTensorInfo> tensors = [];

    /// <summary>Resolves <paramref name="spec"/> for <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">A layer the model lacks, or two methods on the same linear layer or block.</exception>
    public PetLayout(PetSpec spec, ClipConfig config)
    {
        Spec = spec;
        Config = config;
        foreach (var tower in new[] { ClipTower.Vision, ClipTower.Text })
        {
            var tc = config.Tower(tower);
            foreach (var method in spec.Methods.Where(m => m.Covers(tower)))
            {
                foreach (int layer in method.Layers.Resolve(tc.NumHiddenLayers, tower == ClipTower.Vision ? "image" : "text"))
                {
                    string prefix = tc.LayerName(layer);
                    if (method is LoraSpec l)
                    {
                        AddLora(l, tc, prefix);
                    }
                    else if (method is AdapterSpec a)
                    {
                        AddAdapter(a, tc, prefix);
                    }
                    else if (method is MoeSpec m)
                    {
                        AddMoe(m, tc, prefix);
                    }
                }
            }
        }
    }

    /// <summary>The spec.</summary>
    public PetSpec Spec { get; }

    /// <summary>The model config.</summary>
    public ClipConfig Config { get; }

    /// <summary>Every PET tensor, vision tower first, in a stable order.</summary>
    public IReadOnlyList<PetTensorInfo> Tensors => tensors;

    /// <summary>True when some PET tensor lives in <paramref name="tower"/>.</summary>
    public bool Touches(ClipTower tower) => tensors.Any(t => t.Name.StartsWith(Config.Tower(tower).Prefix + ".", StringComparison.Ordinal));

    /// <summary>The LoRA on the linear layer <paramref name="linear"/> (e.g. <c>vision_model.encoder.layers.3.self_attn.q_proj</c>), or null.</summary>
    public LoraSite? Lora(string linear) => lora.GetValueOrDefault(linear);

    /// <summary>The shared-A q,k,v LoRA of the encoder layer <paramref name="layer"/>, or null.</summary>
    public LoraSite? QkvLora(string layer) => lora.GetValueOrDefault(layer + ".self_attn.qkv");

    /// <summary>The adapter of the encoder layer <paramref name="layer"/>, or null.</summary>
    public AdapterSite? Adapter(string layer) => adapters.GetValueOrDefault(layer);

    /// <summary>The adapter experts of the encoder layer <paramref name="layer"/>, or null.</summary>
    public MoeSite? Moe(string layer) => moes.GetValueOrDefault(layer);

    /// <summary>True when some layer has adapter experts.</summary>
    public bool HasMoe => moes.Count > 0;

    private static string Linear(LoraTarget t) => t switch
    {
        LoraTarget.Q => "self_attn.q_proj",
        LoraTarget.K => "self_attn.k_proj",
        LoraTarget.V => "self_attn.v_proj",
        LoraTarget.Qkv => "self_attn.qkv",
        LoraTarget.O => "self_attn.out_proj",
        LoraTarget.Fc1 => "mlp.fc1",
        _ => "mlp.fc2",
    };

    private void AddLora(LoraSpec spec, ClipEncoderConfig tc, string layer)
    {
        foreach (var target in spec.Targets)
        {
            string name = $"{layer}.{Linear(target)}";
            var (outF, inF) = target == LoraTarget.Qkv ? (3 * tc.HiddenSize, tc.HiddenSize) : ClipParameterShapes.LinearShape(tc, Linear(target));
            bool clash = lora.ContainsKey(name)
                || (target == LoraTarget.Qkv && new[] { "q_proj", "k_proj", "v_proj" }.Any(p => lora.ContainsKey($"{layer}.self_attn.{p}")))
                || (target is LoraTarget.Q or LoraTarget.K or LoraTarget.V && lora.ContainsKey($"{layer}.self_attn.qkv"));
            if (clash)
            {
                throw new ArgumentException($"PET spec: {name} gets LoRA from two methods ('{Spec}').");
            }

            var site = new LoraSite(name + ".lora_A", name + ".lora_B", spec.Rank, spec.Scale);
            lora[name] = site;
            var (initA, initB) = spec.Init == LoraInit.Zero
                ? (PetTensorInit.KaimingUniform, PetTensorInit.Zeros)
                : (PetTensorInit.XavierUniform, PetTensorInit.XavierUniform);
            tensors.Add(new PetTensorInfo(site.A, [spec.Rank, inF], initA, inF, spec.Rank));
            tensors.Add(new PetTensorInfo(site.B, [outF, spec.Rank], initB, spec.Rank, outF));
        }
    }

    private void AddAdapter(AdapterSpec spec, ClipEncoderConfig tc, string layer)
    {
        string p = layer + ".adapter";
        var site = new AdapterSite($"{p}.down.weight", $"{p}.down.bias", $"{p}.up.weight", $"{p}.up.bias", spec.Scale, spec.Dropout);
        if (!adapters.TryAdd(layer, site))
        {
            throw new ArgumentException($"PET spec: {layer} gets an adapter from two methods ('{Spec}').");
        }

        int d = tc.HiddenSize;
        tensors.Add(new PetTensorInfo(site.DownWeight, [spec.Dim, d], PetTensorInit.KaimingUniform, d, spec.Dim));
        tensors.Add(new PetTensorInfo(site.DownBias, [spec.Dim], PetTensorInit.Zeros, d, spec.Dim));
        tensors.Add(new PetTensorInfo(site.UpWeight, [d, spec.Dim], PetTensorInit.Zeros, spec.Dim, d));
        tensors.Add(new PetTensorInfo(site.UpBias, [d], PetTensorInit.Zeros, spec.Dim, d));
    }

    private void AddMoe(MoeSpec spec, ClipEncoderConfig tc, string layer)
    {
        string p = layer + ".moe";
        var site = new MoeSite($"{p}.router.weight", $"{p}.experts.down.weight", $"{p}.experts.down.bias", $"{p}.experts.up.weight", $"{p}.experts.up.bias", spec);
        if (!moes.TryAdd(layer, site))
        {
            throw new ArgumentException($"PET spec: {layer} gets adapter experts from two methods ('{Spec}').");
        }

        int d = tc.HiddenSize, e = spec.Experts;
        // The router starts random, not at zero as the official code's: without its noisy gating, zero logits would send every
        // input to the same experts until their outputs differ.
        tensors.Add(new PetTensorInfo(site.RouterWeight, [e, d], PetTensorInit.KaimingUniform, d, e));
        tensors.Add(new PetTensorInfo(site.DownWeight, [e, spec.Dim, d], PetTensorInit.KaimingUniform, d, spec.Dim));
        tensors.Add(new PetTensorInfo(site.DownBias, [e, spec.Dim], PetTensorInit.Zeros, d, spec.Dim));
        tensors.Add(new PetTensorInfo(site.UpWeight, [e, d, spec.Dim], PetTensorInit.Zeros, spec.Dim, d));
        tensors.Add(new PetTensorInfo(site.UpBias, [e, d], PetTensorInit.Zeros, spec.Dim, d));
    }
}
