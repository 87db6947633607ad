using System.Globalization;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Deploy.Peft;

/// <summary>Infers the LoRA part of a PET spec from the modules a PEFT adapter holds tensors for (a PEFT folder OnnxOll did not write).</summary>
/// <remarks>Targets with the same layers in both towers become one <c>towers=both</c> method; otherwise one method per tower. Layers are
/// <c>all</c> when the config names modules by suffix without <c>layers_to_transform</c> (PEFT then adapts every layer).</remarks>
public static class PeftSpecInference
{
    /// <summary>The LoRA methods (spec text joined with <c>;</c>) covering exactly <paramref name="modules"/>.</summary>
    public static string Lora(IEnumerable<(ClipTower Tower, int Layer, LoraTarget Target)> modules, int rank, double alpha, bool allLayers)
    {
        var byTarget = modules.GroupBy(m => m.Target).OrderBy(g => g.Key);
        var groups = new List<(string Towers, string Layers, List<LoraTarget> Targets)>();
        foreach (var target in byTarget)
        {
            string Layers(ClipTower tower)
            {
                var layers = target.Where(m => m.Tower == tower).Select(m => m.Layer).ToArray();
                return layers.Length == 0 ? "" : allLayers ? "all" : LayerSelection.Of(layers).ToString();
            }

            string vision = Layers(ClipTower.Vision), text = Layers(ClipTower.Text);
            var placements = vision == text ? [("both", vision)] : new[] { ("image", vision), ("text", text) }.Where(p => p.Item2.Length > 0).ToArray();
            foreach (var (towers, layers) in placements)
            {
                var group = groups.FirstOrDefault(g => g.Towers == towers && g.Layers == layers);
                if (group.Targets is null)
                {
                    groups.Add((towers, layers, [target.Key]));
                }
                else
                {
                    group.Targets.Add(target.Key);
                }
            }
        }

        return string.Join(";", groups.Select(g => string.Create(CultureInfo.InvariantCulture,
            $"lora:r={rank},alpha={alpha:R},towers={g.Towers},layers={g.Layers},targets={string.Join("+", g.Targets.Select(t => t.ToString().ToLowerInvariant()))}")));
    }
}
