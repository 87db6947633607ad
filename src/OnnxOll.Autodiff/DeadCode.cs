using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff;

/// <summary>Removes nodes no graph output needs, then initializers and value infos nothing refers to.</summary>
internal static class DeadCode
{
    public static void Remove(GraphProto graph, ISet<string> keepInitializers)
    {
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var n in graph.Node.Reverse())
        {
            if (n.Output.Any(needed.Contains))
            {
                kept.Add(n);
                needed.UnionWith(n.Input.Where(i => i.Length > 0));
            }
        }

        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        var unused = graph.Initializer.Where(t => !needed.Contains(t.Name) && !keepInitializers.Contains(t.Name)).ToList();
        foreach (var t in unused)
        {
            graph.Initializer.Remove(t);
        }

        var produced = kept.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var stale = graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList();
        foreach (var v in stale)
        {
            graph.ValueInfo.Remove(v);
        }
    }
}
