using OnnxOll.Autodiff.Checking;
using Xunit.Abstractions;

namespace OnnxOll.Autodiff.Tests;

/// <summary>Every row of <see cref="GradientCheckCases"/> against central finite differences in ONNX Runtime.</summary>
public sealed class GradientCheckCaseTests(ITestOutputHelper output)
{
    // Column: the case name (op, input shapes, attributes); the case carries precision and tolerance.
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in GradientCheckCases.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void AnalyticGradientMatchesFiniteDifferences(string name)
    {
        var c = GradientCheckCases.Get(name);
        using var ort = new OrtEvaluator();
        var result = FiniteDifferenceChecker.Check(c.BuildModel(), c.Trainables, ort.Evaluate, c.Domains, c.Options(), c.BuildReference());
        output.WriteLine($"{c}: {result}");
        Assert.True(result.Passed, $"{c}: {result}");
    }

    [Fact]
    public void CaseNamesAreUnique() =>
        Assert.Equal(GradientCheckCases.All.Count, GradientCheckCases.All.Select(c => c.Name).Distinct().Count());
}
