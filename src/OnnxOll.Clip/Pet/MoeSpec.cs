using System.Globalization;

namespace OnnxOll.Clip.Pet;

/// <summary>Mixture of adapter experts (MoE-Adapters, Yu et al. 2024): <c>moe:experts=4,topk=2,dim=64,scale=0.1,dropout=0.1,route=mean,towers=image,layers=all</c>.</summary>
/// <remarks>Per encoder layer, beside the MLP on the post-attention state h: h += mlp(ln2 h) + s·Σₑ gₑ·upₑ(drop(relu(downₑ(h)))), with
/// g = softmax over the <c>topk</c> largest router logits W·r (the others 0) and r the token mean of h (<c>route=mean</c>) or its
/// class token (<c>route=cls</c>, as the official code).</remarks>
public sealed record MoeSpec : PetMethod
{
    /// <summary>A spec on the image tower, as the method places its experts by default.</summary>
    public MoeSpec() => Towers = PetTowers.Image;

    /// <summary>Number of adapter experts per layer.</summary>
    public int Experts { get; init; } = 4;

    /// <summary>Experts each input is sent to (at most <see cref="Experts"/>).</summary>
    public int TopK { get; init; } = 2;

    /// <summary>Each expert's bottleneck width.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Output scale s.</summary>
    public double Scale { get; init; } = 0.1;

    /// <summary>Dropout ratio after the ReLU (training graphs only).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>What the router reads: the class token (true) or the mean over tokens.</summary>
    public bool RouteClassToken { get; init; }

    /// <summary>The canonical text, every key present.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"moe:experts={Experts},topk={TopK},dim={Dim},scale={Scale:R},dropout={Dropout:R},route={(RouteClassToken ? "cls" : "mean")},towers={PetSpecText.Name(Towers)},layers={Layers}");
}
