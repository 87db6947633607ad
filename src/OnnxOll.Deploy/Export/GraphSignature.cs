using System.Text.Json.Nodes;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Deploy.Export;

/// <summary>Describes a graph's inputs and outputs (name, element type, shape with symbolic dimensions as names) as JSON; an input with an
/// initializer of its name is marked optional (ONNX Runtime uses the initializer when it is not fed).</summary>
public static class GraphSignature
{
    /// <summary><c>{"file": ..., "inputs": [{"name","type","shape"[,"optional": true]}], "outputs": [...]}</c>.</summary>
    public static JsonObject Describe(ModelProto model, string fileName)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return new JsonObject
        {
            ["file"] = fileName,
            ["inputs"] = Values(model.Graph.Input, initializers),
            ["outputs"] = Values(model.Graph.Output, []),
        };
    }

    private static JsonArray Values(IEnumerable<ValueInfoProto> values, HashSet<string> optional) =>
        new(values.Select(v =>
        {
            var value = new JsonObject
            {
                ["name"] = v.Name,
                ["type"] = ((TensorProto.Types.DataType)v.Type.TensorType.ElemType).ToString().ToLowerInvariant(),
                ["shape"] = new JsonArray(v.Type.TensorType.Shape.Dim
                    .Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (JsonNode?)d.DimValue : d.DimParam)
                    .ToArray()),
            };
            if (optional.Contains(v.Name))
            {
                value["optional"] = true;
            }

            return (JsonNode?)value;
        }).ToArray());
}
