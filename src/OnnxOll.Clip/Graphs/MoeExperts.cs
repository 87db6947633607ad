using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;

namespace OnnxOll.Clip.Graphs;

/// <summary>The mixture of adapter experts of one encoder layer as ONNX nodes: top-k router and gated bottleneck experts.</summary>
/// <remarks>Every expert runs on every input (E small, E× one adapter's cost); the gates of unselected experts are exact zeros, so
/// their outputs add nothing and their tensors get no gradient from that input. The gates' gradient reaches the router through
/// Softmax, TopK's values and ScatterElements.</remarks>
internal static class MoeExperts
{
    /// <summary>s · Σₑ gₑ(h) · expertₑ(h) for h [N, T, D], as [N, T, D].</summary>
    public static string Output(ClipGraphContext c, string h, MoeSite site)
    {
        var g = c.G;
        var spec = site.Spec;
        string gates = g.Op("Unsqueeze", Gates(c, h, site), c.Ints(2, 3));
        string x = g.Op("Unsqueeze", h, c.Ints(1));
        // [N, 1, T, D] · [E, D, dim] → [N, E, T, dim]
        string down = g.Op("Add", g.Op("MatMul", x, g.Op("Transpose", [c.PetInput(site.DownWeight)], Attr.Ints("perm", 0, 2, 1))),
            g.Op("Unsqueeze", c.PetInput(site.DownBias), c.Ints(1)));
        string hidden = g.Op("Relu", down);
        if (c.Training && spec.Dropout > 0)
        {
            hidden = g.Op("Dropout", [hidden, c.Scalar(spec.Dropout), c.Constant<bool>("training_mode", [true])], 2)[0];
        }

        // [N, E, T, dim] · [E, dim, D] → [N, E, T, D]
        string up = g.Op("Add", g.Op("MatMul", hidden, g.Op("Transpose", [c.PetInput(site.UpWeight)], Attr.Ints("perm", 0, 2, 1))),
            g.Op("Unsqueeze", c.PetInput(site.UpBias), c.Ints(1)));
        string mixed = g.Op("ReduceSum", [g.Op("Mul", up, gates), c.Ints(1)], Attr.Int("keepdims", 0));
        return g.Op("Mul", mixed, c.Scalar(spec.Scale));
    }

    /// <summary>The gates [N, E]: softmax over the top-k router logits, scattered into zeros.</summary>
    private static string Gates(ClipGraphContext c, string h, MoeSite site)
    {
        var g = c.G;
        string routed = site.Spec.RouteClassToken
            ? g.Op("Squeeze", g.Op("Slice", h, c.Ints(0), c.Ints(1), c.Ints(1)), c.Ints(1))
            : g.Op("ReduceMean", [h, c.Ints(1)], Attr.Int("keepdims", 0));
        string logits = g.Op("MatMul", routed, g.Op("Transpose", [c.PetInput(site.RouterWeight)], Attr.Ints("perm", 1, 0)));
        string[] top = g.Op("TopK", [logits, c.Ints(site.Spec.TopK)], 2, Attr.Int("axis", -1));
        string weights = g.Op("Softmax", [top[0]], Attr.Int("axis", -1));
        string zeros = g.Op("Expand", c.Scalar(0), g.Op("Shape", logits));
        return g.Op("ScatterElements", [zeros, top[1], weights], Attr.Int("axis", 1));
    }
}
