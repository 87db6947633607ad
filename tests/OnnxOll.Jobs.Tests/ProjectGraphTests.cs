using System.Xml.Linq;

namespace OnnxOll.Jobs.Tests;

/// <summary>The project reference graph in docs/architecture.md is the one the .csproj files declare, and the job is the only way
/// from Deploy, Streams and Serving to the learner.</summary>
public sealed class ProjectGraphTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void ArchitectureDocShowsTheGraphOfTheProjectFiles()
    {
        string doc = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
        string expected = Mermaid(References());

        Assert.True(doc.Contains(expected, StringComparison.Ordinal), $"docs/architecture.md is stale; its mermaid block should read:\n{expected}");
    }

    [Theory]
    [InlineData("Deploy")]
    [InlineData("Streams")]
    [InlineData("Serving")]
    public void OnlyTheJobLeadsToTheLearner(string project)
    {
        var graph = References();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            foreach (var reference in graph[next].Where(r => r != "Jobs" && reached.Add(r)))
            {
                pending.Push(reference);
            }
        }

        Assert.DoesNotContain("Learning", reached);
    }

    /// <summary>Each project of src/ (short name) and the projects it references, in file order.</summary>
    private static Dictionary<string, List<string>> References() =>
        Directory.GetDirectories(Path.Combine(Root, "src"), "OnnxOll.*").Order(StringComparer.Ordinal).ToDictionary(
            dir => Short(Path.GetFileName(dir)),
            dir => XDocument.Load(Path.Combine(dir, Path.GetFileName(dir) + ".csproj")).Descendants("ProjectReference")
                .Select(r => Short(Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))).ToList(),
            StringComparer.Ordinal);

    /// <summary>The mermaid graph: projects from the bottom up (by depth, then name), a node labelled where it first appears.</summary>
    private static string Mermaid(Dictionary<string, List<string>> graph)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string p) => depth.TryGetValue(p, out int d) ? d : depth[p] = graph[p].Count == 0 ? 0 : 1 + graph[p].Max(Depth);
        var order = graph.Keys.OrderBy(Depth).ThenBy(p => p, StringComparer.Ordinal).ToList();
        var labelled = new HashSet<string>(StringComparer.Ordinal);
        string Node(string p) => labelled.Add(p) ? $"{p}[OnnxOll.{p}]" : p;
        var lines = new List<string> { "```mermaid", "graph BT" };
        foreach (var project in order)
        {
            foreach (var reference in graph[project].OrderBy(Depth).ThenBy(r => r, StringComparer.Ordinal))
            {
                lines.Add($"    {Node(project)} --> {Node(reference)}");
            }
        }

        lines.Add("```");
        return string.Join('\n', lines);
    }

    private static string Short(string project) => project["OnnxOll.".Length..];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OnnxOll.sln above {AppContext.BaseDirectory}.");
    }
}
