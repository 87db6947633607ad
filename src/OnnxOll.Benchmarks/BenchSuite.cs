using OnnxOll.Clip.Graphs;

namespace OnnxOll.Benchmarks;

/// <summary>Runs every case with OnnxOll float32, OnnxOll int8 and the libtorch peer, alternating, one fresh process per
/// measurement, for a number of rounds (the order flips every round so slow drifts of a shared machine hit all sides).</summary>
public static class BenchSuite
{
    /// <summary>Measures <paramref name="cases"/>; <paramref name="peer"/> null runs OnnxOll only.</summary>
    public static List<CaseMeasurement> Run(IReadOnlyList<BenchCase> cases, int rounds, Func<BenchCase, FrozenPrecision, CaseMeasurement> onnxoll,
        Func<BenchCase, CaseMeasurement>? peer, Action<string> log)
    {
        var all = new List<CaseMeasurement>();
        foreach (var c in cases)
        {
            var sides = new List<(string Name, Func<CaseMeasurement> Run)>
            {
                (Implementations.OnnxOllFloat32, () => onnxoll(c, FrozenPrecision.Float32)),
                (Implementations.OnnxOllInt8, () => onnxoll(c, FrozenPrecision.Int8)),
            };
            if (peer is not null && c.PeerRuns)
            {
                sides.Add((Implementations.Libtorch, () => peer(c)));
            }

            for (int r = 0; r < rounds; r++)
            {
                foreach (var (name, run) in r % 2 == 0 ? sides : Enumerable.Reverse(sides))
                {
                    var m = run();
                    log($"{c.Name} round {r + 1}/{rounds} {name}: {m.MedianMs:F1} ms, peak RSS {m.PeakRssMb:F0} MB" +
                        (m.SamplesPerSecond is { } s ? $", {s:F2} samples/s" : ""));
                    all.Add(m);
                }
            }
        }

        return all;
    }
}
