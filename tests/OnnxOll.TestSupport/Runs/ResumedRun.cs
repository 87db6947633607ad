using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.TestSupport.Runs;

/// <summary>Checks that a run stopped and resumed ends where an uninterrupted one does, bit for bit.</summary>
public static class ResumedRun
{
    /// <summary>Asserts that the latest checkpoints of the two runs have the same stream cursor, samples seen and PET tensors (with
    /// <paramref name="withState"/>, the learner-state tensors too); returns both for the caller's further checks.</summary>
    /// <param name="context">Appended to a failure message, e.g. the seed and where the run was killed.</param>
    public static (Checkpoint Expected, Checkpoint Actual) AssertSameLatest(string expectedRun, string actualRun, string modelDirectory, string pet, string context, bool withState = false)
    {
        string hash = ModelHash.Compute(modelDirectory);
        string spec = PetSpec.Parse(pet).ToString();
        var expected = new CheckpointStore(expectedRun).LoadLatest(hash, spec).Checkpoint!;
        var actual = new CheckpointStore(actualRun).LoadLatest(hash, spec).Checkpoint!;
        Assert.Equal(expected.StreamCursor, actual.StreamCursor);
        Assert.Equal(expected.Counters["samples_seen"], actual.Counters["samples_seen"]);
        var expectedTensors = withState ? expected.Tensors.Concat(expected.State ?? []) : expected.Tensors;
        var actualTensors = withState ? actual.Tensors.Concat(actual.State ?? []) : actual.Tensors;
        Assert.Equal(expectedTensors.Select(t => t.Name), actualTensors.Select(t => t.Name));
        foreach (var (e, a) in expectedTensors.Zip(actualTensors))
        {
            Assert.True(e.Data.AsSpan().SequenceEqual(a.Data), $"tensor {e.Name} differs after resume ({context})");
        }

        return (expected, actual);
    }
}
