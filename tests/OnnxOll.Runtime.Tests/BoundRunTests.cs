using Xunit.Abstractions;

namespace OnnxOll.Runtime.Tests;

public sealed class BoundRunTests(ITestOutputHelper output)
{
    [Fact]
    public void RepeatedRunsOverPreallocatedTensorsAllocateNothingManaged()
    {
        using var session = SessionFactory.FromModel(TestGraphs.Affine(), SessionSettings.Create(intraOpThreads: 1));
        using var run = session.Bind();
        var x = run.Input("x", 2, 3);
        var y = run.Output(session.OutputNames[0], 2, 2);
        var xs = x.AsSpan<float>();
        for (int i = 0; i < 3; i++)
        {
            run.Run();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 50; step++)
        {
            xs = x.AsSpan<float>();
            xs[0] = step;
            xs[1] = 1;
            xs[2] = -1;
            xs[3] = 0;
            xs[4] = 2;
            xs[5] = step * 0.5f;
            run.Run();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"managed bytes allocated over 50 bound runs: {allocated}");
        Assert.Equal([.. TestGraphs.AffineRow(49, 1, -1), .. TestGraphs.AffineRow(0, 2, 24.5f)], y.AsSpan<float>().ToArray());
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ShapeChangesRebindFromACachePerShape()
    {
        using var session = SessionFactory.FromModel(TestGraphs.Softmax());
        using var run = session.Bind();
        string outName = session.OutputNames[0];
        var seen = new Dictionary<int, BoundTensor>();
        // classes per batch vary, and come back: a returning shape reuses its tensor.
        foreach (int classes in new[] { 3, 5, 3, 7, 5 })
        {
            var logits = run.Input("logits", 2, classes);
            var probs = run.Output(outName, 2, classes);
            if (seen.TryGetValue(classes, out var earlier))
            {
                Assert.Same(earlier, logits);
            }

            seen[classes] = logits;
            var l = logits.AsSpan<float>();
            for (int i = 0; i < l.Length; i++)
            {
                l[i] = (i % classes) * 0.25f - (i / classes);
            }

            run.Run();
            var p = probs.AsSpan<float>();
            for (int r = 0; r < 2; r++)
            {
                var expected = Softmax(l.Slice(r * classes, classes));
                for (int c = 0; c < classes; c++)
                {
                    Assert.Equal(expected[c], p[r * classes + c], 1e-6);
                }
            }
        }
    }

    [Fact]
    public void DynamicOutputIsReadBackAfterEachRun()
    {
        using var session = SessionFactory.FromModel(TestGraphs.NonZero());
        using var run = session.Bind();
        run.DynamicOutput(session.OutputNames[0]);
        // input values, expected indices of the non-zero ones
        foreach (var (values, indices) in new (float[], long[])[] { ([0, 2, 0, 3], [1, 3]), ([1, 0, 0, 0, 5, 6], [0, 4, 5]) })
        {
            values.CopyTo(run.Input("x", values.Length).AsSpan<float>());
            run.Run();
            var result = run.ReadDynamicOutput(session.OutputNames[0]);
            Assert.Equal([1L, indices.Length], result.GetTensorTypeAndShape().Shape);
            Assert.Equal(indices, result.GetTensorDataAsSpan<long>().ToArray());
        }
    }

    [Theory]
    // input name, shape, expected fragment of the message
    [InlineData("y", new long[] { 2, 3 }, "no input named 'y'")]
    [InlineData("x", new long[] { 2, 4 }, "declared shape [?,3]")]
    [InlineData("x", new long[] { 6 }, "asked to bind [6]")]
    public void BadBindingsAreRejectedWithExpectedAndActual(string name, long[] shape, string fragment)
    {
        using var session = SessionFactory.FromModel(TestGraphs.Affine());
        using var run = session.Bind();
        var e = Assert.Throws<ArgumentException>(() => run.Input(name, shape));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void RunWithAnUnboundInputNamesIt()
    {
        using var session = SessionFactory.FromModel(TestGraphs.Affine());
        using var run = session.Bind();
        var e = Assert.Throws<InvalidOperationException>(run.Run);
        Assert.Contains("[x]", e.Message);
    }

    [Fact]
    public void WrongElementTypeIsRejected()
    {
        using var session = SessionFactory.FromModel(TestGraphs.Affine());
        using var run = session.Bind();
        Assert.Throws<InvalidOperationException>(() => run.Input("x", 1, 3).AsSpan<double>());
    }

    private static double[] Softmax(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row)
        {
            max = Math.Max(max, v);
        }

        var e = new double[row.Length];
        double sum = 0;
        for (int i = 0; i < row.Length; i++)
        {
            sum += e[i] = Math.Exp(row[i] - max);
        }

        return e.Select(v => v / sum).ToArray();
    }
}
