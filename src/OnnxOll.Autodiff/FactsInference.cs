using OnnxOll.Autodiff.Facts;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff;

/// <summary>Light type and shape propagation (fixed and symbolic dimensions) for the operators autodiff meets.</summary>
/// <remarks>Falls back to declared value infos; an op it does not know gets an unknown shape and its first input's type.</remarks>
internal static class FactsInference
{
    public static Dictionary<string, ValueFacts> Infer(GraphProto graph, IReadOnlyList<NodeProto> order, ConstantLookup constants)
    {
        var declared = new Dictionary<string, ValueFacts>(StringComparer.Ordinal);
        foreach (var v in graph.ValueInfo.Concat(graph.Output))
        {
            if (DeclaredFacts.FromValueInfo(v) is { } f)
            {
                declared[v.Name] = f;
            }
        }

        var facts = new Dictionary<string, ValueFacts>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            facts[t.Name] = new ValueFacts((DataType)t.DataType, t.Dims.Select(d => (Dim)d).ToArray());
        }

        foreach (var v in graph.Input)
        {
            if (DeclaredFacts.FromValueInfo(v) is { } f)
            {
                facts[v.Name] = f;
            }
        }

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in order)
        {
            foreach (var o in n.Output.Where(o => o.Length > 0))
            {
                producers[o] = n;
            }

            ValueFacts?[] outs;
            try
            {
                outs = OperatorFacts.Infer(n, facts, constants, producers);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outs = [];
            }

            for (int i = 0; i < n.Output.Count; i++)
            {
                string o = n.Output[i];
                if (o.Length == 0)
                {
                    continue;
                }

                var inferred = i < outs.Length ? outs[i] : null;
                declared.TryGetValue(o, out var decl);
                facts[o] = DeclaredFacts.Merge(inferred, decl) ?? new ValueFacts(n.Input.Count > 0 && facts.TryGetValue(n.Input[0], out var f0) ? f0.Type : DataType.Float, null);
            }
        }

        return facts;
    }
}
