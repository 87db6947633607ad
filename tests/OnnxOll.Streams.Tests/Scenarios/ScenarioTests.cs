using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Tests.Scenarios;

public class ScenarioTests
{
    // 20 classes with uneven sizes (30..49 samples), labels interleaved so sample order is not class-sorted.
    private static readonly string[] Labels = Enumerable.Range(0, 20)
        .SelectMany(c => Enumerable.Range(0, 30 + c).Select(i => (c, i)))
        .OrderBy(x => x.i).ThenBy(x => x.c)
        .Select(x => $"class{x.c:D2}")
        .ToArray();

    public static TheoryData<string, int> Specs => new()
    {
        { "iid", 1 },
        { "iid:tasks=4,seed=9", 4 },
        { "disjoint:tasks=5", 5 },
        { "disjoint:tasks=3,seed=2", 3 },
        { "si-blurry:n=50,m=10,tasks=5", 5 },
        { "si-blurry:n=20,m=30,tasks=4,seed=7", 4 },
        { "si-blurry:n=0,m=0,tasks=2", 2 },
        { "si-blurry:n=100,m=10,tasks=5,seed=3", 5 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void EverySampleAppearsExactlyOnce_InTaskOrder_WithTheTaskCount(string spec, int tasks)
    {
        var scenario = ScenarioSpec.Parse(spec).Build(Labels);
        Assert.Equal(tasks, scenario.TaskCount);
        Assert.Equal(Enumerable.Range(0, Labels.Length), scenario.Entries.Select(e => e.SampleIndex).Order());
        Assert.Equal(scenario.Entries.Select(e => e.Task).Order(), scenario.Entries.Select(e => e.Task));
        for (int t = 0; t < tasks; t++)
        {
            var inTask = scenario.Entries.Where(e => e.Task == t).Select(e => Labels[e.SampleIndex]).ToHashSet();
            Assert.Equal(inTask.Order(), scenario.TaskClasses[t].Order());
            Assert.Equal(scenario.TaskSizes[t], scenario.Entries.Count(e => e.Task == t));
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void SameSeedSameStream_OtherSeedOtherStream(string spec, int tasks)
    {
        _ = tasks;
        var a = ScenarioSpec.Parse(spec).Build(Labels);
        var b = ScenarioSpec.Parse(spec).Build(Labels);
        Assert.Equal(a.Entries, b.Entries);
        var other = ScenarioSpec.Parse(spec) with { Seed = 12345 };
        Assert.NotEqual(a.Entries, other.Build(Labels).Entries);
    }

    [Fact]
    public void IidEpochsBringEverySampleThatManyTimes_AndRoundTrip()
    {
        var spec = ScenarioSpec.Parse("iid:epochs=3,seed=4");
        Assert.Equal("iid:tasks=1,seed=4,epochs=3", spec.ToString());
        Assert.Equal(spec, ScenarioSpec.Parse(spec.ToString()));
        Assert.Equal("iid:tasks=1,seed=4", ScenarioSpec.Parse("iid:seed=4").ToString());
        var scenario = spec.Build(Labels);
        Assert.Equal(Enumerable.Range(0, Labels.Length).SelectMany(i => new[] { i, i, i }), scenario.Entries.Select(e => e.SampleIndex).Order());
        Assert.NotEqual(scenario.Entries.Take(Labels.Length).Select(e => e.SampleIndex).Order(), Enumerable.Range(0, Labels.Length));
        Assert.Throws<FormatException>(() => ScenarioSpec.Parse("iid:epochs=0"));
        Assert.Throws<FormatException>(() => ScenarioSpec.Parse("disjoint:epochs=2"));
    }

    [Theory]
    [InlineData("disjoint:tasks=5", 20)]
    [InlineData("si-blurry:n=50,m=10,tasks=5", 10)]
    [InlineData("si-blurry:n=20,m=30,tasks=4,seed=7", 4)]
    [InlineData("iid:tasks=3", 0)]
    public void DisjointClasses_AppearInOneTaskOnly(string spec, int expectedDisjoint)
    {
        var scenario = ScenarioSpec.Parse(spec).Build(Labels);
        Assert.Equal(expectedDisjoint, scenario.DisjointClasses.Count);
        foreach (var c in scenario.DisjointClasses)
        {
            Assert.Single(scenario.TaskClasses, set => set.Contains(c));
        }
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 2)]
    [InlineData(30, 3)]
    [InlineData(50, 4)]
    public void SiBlurry_LeaksAboutMPercentOfBlurrySamplesOutOfTheirHomeTask(int m, int seed)
    {
        // Many classes with many samples, so the leak fraction is measured on a large pool.
        var labels = Enumerable.Range(0, 4000).Select(i => $"c{i % 40}").ToArray();
        var scenario = SiBlurryScenario.Build(labels, 50, m, 5, seed);
        var blurry = labels.Distinct().Where(c => !scenario.DisjointClasses.Contains(c)).ToHashSet();
        var taskOf = scenario.Entries.ToDictionary(e => e.SampleIndex, e => e.Task);
        int blurrySamples = 0, outside = 0;
        foreach (var c in blurry)
        {
            var tasks = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Select(i => taskOf[i]).ToList();
            int home = tasks.GroupBy(t => t).MaxBy(g => g.Count())!.Key;
            blurrySamples += tasks.Count;
            outside += tasks.Count(t => t != home);
        }

        double fraction = (double)outside / blurrySamples;
        // Leaked samples are dealt to random tasks, so some land back home: the fraction outside is at most M.
        Assert.InRange(fraction, 0.2 * m / 100.0, m / 100.0);
    }

    [Fact]
    public void SiBlurry_TaskSizesVaryWithTheSeed()
    {
        var labels = Enumerable.Range(0, 2000).Select(i => $"c{i % 40}").ToArray();
        var sizes = Enumerable.Range(0, 5).Select(seed => SiBlurryScenario.Build(labels, 50, 10, 5, seed).TaskSizes.ToArray()).ToList();
        Assert.True(sizes.Distinct(new SequenceComparer()).Count() > 1);
        Assert.Contains(sizes, s => s.Distinct().Count() > 1);
    }

    [Fact]
    public void Disjoint_SplitsClassesEvenly()
    {
        var scenario = DisjointScenario.Build(Labels, 3, 5);
        Assert.Equal([7, 7, 6], scenario.TaskClasses.Select(s => s.Count));
    }

    [Theory]
    [InlineData("iid", "iid:tasks=1,seed=1")]
    [InlineData("disjoint:tasks=10,seed=4", "disjoint:tasks=10,seed=4")]
    [InlineData(" si-blurry : seed=2 ", "si-blurry:n=50,m=10,tasks=5,seed=2")]
    [InlineData("SI-BLURRY:N=40,M=5,TASKS=3", "si-blurry:n=40,m=5,tasks=3,seed=1")]
    public void Parse_CanonicalForm(string spec, string canonical)
    {
        Assert.Equal(canonical, ScenarioSpec.Parse(spec).ToString());
        Assert.Equal(ScenarioSpec.Parse(spec), ScenarioSpec.Parse(canonical));
    }

    // Columns: bad spec, text the message must contain.
    [Theory]
    [InlineData("blurry", "unknown kind 'blurry'")]
    [InlineData("disjoint:tasks=0", "'tasks'")]
    [InlineData("si-blurry:n=150", "'n'")]
    [InlineData("si-blurry:m=x", "'m'")]
    [InlineData("disjoint:tasks=5,n=3", "unknown field(s) 'n'")]
    [InlineData("iid:tasks", "unexpected value 'tasks'")]
    [InlineData("disjoint:tasks=3,x", "not key=value")]
    [InlineData("disjoint:tasks=2,tasks=3", "given twice")]
    public void Parse_Errors_NameSpecAndField(string spec, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ScenarioSpec.Parse(spec));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(spec.Trim(), ex.Message);
    }

    [Fact]
    public void Disjoint_TooFewClasses_Throws()
    {
        Assert.Throws<ArgumentException>(() => DisjointScenario.Build(["a", "b"], 3, 1));
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(int[] obj) => obj.Aggregate(17, (h, v) => (h * 31) + v);
    }
}
