namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Tells which MLP activation a foreign block computes from the ops between its fc1 and fc2, so an export whose
/// activation differs from config.json's <c>hidden_act</c> is refused rather than run with the wrong one.</summary>
internal static class ForeignActivation
{
    /// <summary>The activation the ops after <paramref name="fc1"/> (up to <paramref name="fc2"/>) compute, or null when they do not tell.</summary>
    public static ClipActivation? Between(ForeignGraph graph, ForeignLinear fc1, ForeignLinear fc2)
    {
        var ops = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { fc1.End };
        var queue = new Queue<string>([fc1.End]);
        while (queue.Count > 0 && ops.Count < 64)
        {
            foreach (var node in graph.Consumers(queue.Dequeue()).Where(n => n.OpType is not ("Shape" or "Size") && !ReferenceEquals(n, fc2.Product)))
            {
                ops.Add(node.OpType);
                foreach (string o in node.Output.Where(o => o.Length > 0 && o != fc2.Input && seen.Add(o)))
                {
                    queue.Enqueue(o);
                }
            }
        }

        return ops.Contains("Erf") || ops.Contains("Gelu") ? ClipActivation.Gelu
            : ops.Contains("Tanh") || ops.Contains("FastGelu") ? ClipActivation.GeluTanh
            : ops.Contains("Sigmoid") || ops.Contains("QuickGelu") ? ClipActivation.QuickGelu
            : ops.Contains("Relu") ? ClipActivation.Relu
            : null;
    }
}
