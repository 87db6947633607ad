using System.Globalization;
using System.Text.RegularExpressions;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Finds the encoder blocks of one tower in a foreign graph: by node names such as
/// <c>/vision_model/encoder/layers.3/self_attn/q_proj/MatMul</c> where the exporter kept them, otherwise by each block's
/// structure (three products of one LayerNorm's output, told apart by where they enter the attention products, then the
/// output projection, the second LayerNorm, fc1 and fc2 in data-flow order).</summary>
internal sealed partial class ForeignBlockFinder(ForeignGraph graph, string prefix, string label, IReadOnlyList<ForeignLinear> linears, IReadOnlyDictionary<string, ForeignLayerNorm> layerNorms)
{
    private static readonly string[] Roles = ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"];

    /// <summary>The blocks in order, and the tower's products by constant weights that follow them (the projection first).</summary>
    /// <exception cref="InvalidDataException">A block or projection could not be found; the message names the first one.</exception>
    public (IReadOnlyList<ForeignBlock> Blocks, IReadOnlyList<ForeignLinear> After) Find(int layers)
    {
        var named = new Dictionary<(int Layer, string Role), ForeignLinear>();
        foreach (var linear in linears)
        {
            if (NamePattern().Match(linear.Product.Name) is { Success: true } m && m.Groups["tower"].Value == prefix)
            {
                named[(int.Parse(m.Groups["layer"].Value, CultureInfo.InvariantCulture), m.Groups["role"].Value)] = linear;
            }
        }

        var remaining = linears.ToList();
        var blocks = new List<ForeignBlock>(layers);
        for (int i = 0; i < layers; i++)
        {
            var block = named.Count > 0 ? Named(named, i) : Structural(i, remaining);
            remaining.RemoveAll(l => block.Linears.Any(b => ReferenceEquals(b.Linear, l)));
            blocks.Add(block);
        }

        int last = layers == 0 ? -1 : graph.PositionOf(blocks[^1].Fc2.Product);
        return (blocks, [.. remaining.Where(l => graph.PositionOf(l.Product) > last && !named.ContainsValue(l))]);
    }

    private ForeignBlock Named(Dictionary<(int Layer, string Role), ForeignLinear> named, int layer)
    {
        var found = new ForeignLinear[Roles.Length];
        for (int r = 0; r < Roles.Length; r++)
        {
            found[r] = named.GetValueOrDefault((layer, Roles[r]))
                ?? throw Missing(layer, Roles[r], $"no product by a constant weight in a node named like '/{prefix}/encoder/layers.{layer}/{(r < 4 ? "self_attn" : "mlp")}/{Roles[r]}/MatMul'");
        }

        return new ForeignBlock(Norm(layer, "layer_norm1", found[0].Input), found[0], found[1], found[2], found[3], Norm(layer, "layer_norm2", found[4].Input), found[4], found[5]);
    }

    private ForeignBlock Structural(int layer, List<ForeignLinear> remaining)
    {
        if (remaining.Count == 0)
        {
            throw Missing(layer, "q_proj", "no product by a constant weight is left in the tower");
        }

        string x = remaining[0].Input;
        var group = remaining.Where(l => l.Input == x).Take(3).ToList();
        var entries = group.Select(l => (Linear: l, Hit: graph.FirstDownstream(l.End, IsActivationProduct, IsLinear))).ToList();
        var q = entries.FirstOrDefault(e => e.Hit is { Slot: 0 });
        var score = q.Hit?.Node;
        var k = entries.FirstOrDefault(e => score is not null && e.Hit is { Slot: 1 } h && ReferenceEquals(h.Node, score));
        var v = entries.FirstOrDefault(e => score is not null && e.Hit is { Slot: 1 } h && !ReferenceEquals(h.Node, score)
            && graph.Reachable(score.Output[0]).Contains(h.Node.Input[0]));
        var layerNorm1 = Norm(layer, "layer_norm1", x);
        var qkv = new[] { q.Linear, k.Linear, v.Linear };
        for (int r = 0; r < 3; r++)
        {
            if (qkv[r] is null)
            {
                throw Missing(layer, Roles[r], $"the {group.Count} product(s) of '{x}' do not form the query, key and value of one attention");
            }
        }

        var rest = remaining.Where(l => !group.Contains(l)).ToList();
        var output = Next(layer, "out_proj", rest, v.Hit!.Value.Node.Output[0]);
        var fc1 = Next(layer, "fc1", rest, output.End);
        var layerNorm2 = Norm(layer, "layer_norm2", fc1.Input);
        var fc2 = Next(layer, "fc2", rest, fc1.End);
        return new ForeignBlock(layerNorm1, q.Linear!, k.Linear!, v.Linear!, output, layerNorm2, fc1, fc2);
    }

    private ForeignLinear Next(int layer, string role, List<ForeignLinear> rest, string from)
    {
        var reachable = graph.Reachable(from);
        var next = rest.FirstOrDefault(l => reachable.Contains(l.Input)) ?? throw Missing(layer, role, $"no product by a constant weight follows '{from}'");
        rest.Remove(next);
        return next;
    }

    private ForeignLayerNorm Norm(int layer, string role, string output) =>
        layerNorms.GetValueOrDefault(output) ?? throw Missing(layer, role, $"'{output}' is not the result of a LayerNorm");

    private InvalidDataException Missing(int layer, string role, string why) =>
        new($"{label}: block {layer}: could not find {role} ({why}).");

    private bool IsActivationProduct(NodeProto node) => node.OpType == "MatMul" && !IsLinear(node);

    private bool IsLinear(NodeProto node) => linears.Any(l => ReferenceEquals(l.Product, node));

    [GeneratedRegex(@"^/?(?<tower>vision_model|text_model)/encoder/layers\.(?<layer>\d+)/(self_attn|mlp)/(?<role>q_proj|k_proj|v_proj|out_proj|fc1|fc2)/")]
    private static partial Regex NamePattern();
}
