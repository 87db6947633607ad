using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Cli.Tests.Runs;

/// <summary>A resume trusts no manifest field: a checkpoint that fails any check is set aside with one message, the previous good one
/// is used, and the resumed run ends bit-identical to an uninterrupted one.</summary>
[Collection(CliCollection.Name)]
public sealed class CheckpointValidationTests(CliFixture fixture)
{
    public static TheoryData<string, bool> Edits => new()
    {
        // edited field (applied to the newest manifest), whether manifest_sha256 is recomputed after the edit
        { "stream_cursor=0", true },
        { "stream_cursor=0", false },
        { "-optimizer_step", true },
        { "counters.batches=99", true },
        { "counters.samples_seen=-5", true },
        { "learner_config.lr=\"0.5\"", true },
        { "rng_states.scenario=\"iid:tasks=1,seed=1\"", true },
        { "tensors_file=\"../elsewhere.safetensors\"", true },
        { "step=3", true },
        { "-metrics", true },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void EditedNewestManifestFallsBackAndStillEndsBitIdentical(string edit, bool resign)
    {
        string reference = Reference();
        string run = Manifests.Copy(reference, fixture.PathFor($"validation/{Math.Abs(edit.GetHashCode()):x8}-{resign}"));
        Manifests.MarkUnfinished(run);
        string newest = Manifests.Newest(run);
        Manifests.Edit(newest, json => Apply(json, edit), resign);

        LearnRun.Complete(fixture.ModelDirectory, run, "--resume");

        Assert.True(File.Exists(newest + CheckpointStore.RejectedSuffix), $"{newest} was not set aside");
        AssertSameFinalTensors(reference, run);
    }

    [Fact]
    public void NoResumableCheckpointIsOneLineAndChangesNothing()
    {
        string run = Manifests.Copy(Reference(), fixture.PathFor("validation/none-good"));
        Manifests.MarkUnfinished(run);
        foreach (var manifest in Directory.GetFiles(run, "ckpt-*.json"))
        {
            Manifests.Edit(manifest, json => json["stream_cursor"] = 0, resign: false);
        }

        var before = RunSnapshot.Take(run);
        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--resume")), run, "no checkpoint can be resumed", "manifest_sha256");
        before.AssertUnchanged();
    }

    [Fact]
    public void LeftoversOfAnInterruptedSaveAreRemovedAtStart()
    {
        string reference = Reference();
        string run = Manifests.Copy(reference, fixture.PathFor("validation/orphans"));
        Manifests.MarkUnfinished(run);
        string temp = Path.Combine(run, ".ckpt-00000009.safetensors.tmp-0123abcd");
        string orphan = Path.Combine(run, "ckpt-00000009.safetensors");
        File.WriteAllBytes(temp, [1, 2, 3]);
        File.Copy(Directory.GetFiles(run, "ckpt-*.safetensors")[0], orphan);

        LearnRun.Complete(fixture.ModelDirectory, run, "--resume");

        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(orphan));
        AssertSameFinalTensors(reference, run);
    }

    [Fact]
    public void EvalSaysWhichCheckpointItUsedAndWhenItFellBack()
    {
        string run = Manifests.Copy(Reference(), fixture.PathFor("validation/eval-fallback"));
        string newest = Manifests.Newest(run);
        File.WriteAllText(newest, File.ReadAllText(newest).Replace("\"step\"", "\"stap\"", StringComparison.Ordinal));
        var before = RunSnapshot.Take(run);
        string report = fixture.PathFor("validation/eval-fallback.json");

        var (exit, error) = CliFixture.Run("eval", "--model", fixture.ModelDirectory, "--run", run, "--data", LearnRun.Data, "--out", report, "--threads", "1");

        Assert.True(exit == 0, error);
        Assert.Contains("warning: FELL BACK", error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(newest), error, StringComparison.Ordinal);
        var checkpoint = JsonNode.Parse(File.ReadAllText(report))!["checkpoint"]!;
        long step = long.Parse(Path.GetFileNameWithoutExtension(newest)["ckpt-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(step - 1, (long)checkpoint["step"]!);
        Assert.Single(checkpoint["fell_back_past"]!.AsArray());
        before.AssertUnchanged();
    }

    private string Reference()
    {
        string reference = fixture.PathFor("validation/reference");
        if (!File.Exists(Path.Combine(reference, "summary.json")))
        {
            LearnRun.Complete(fixture.ModelDirectory, reference);
        }

        return reference;
    }

    private static void AssertSameFinalTensors(string reference, string run)
    {
        string expected = Manifests.Newest(reference);
        string actual = Manifests.Newest(run);
        Assert.Equal(Path.GetFileName(expected), Path.GetFileName(actual));
        Assert.Equal(File.ReadAllBytes(Path.ChangeExtension(expected, ".safetensors")), File.ReadAllBytes(Path.ChangeExtension(actual, ".safetensors")));
    }

    private static void Apply(JsonObject json, string edit)
    {
        if (edit.StartsWith('-'))
        {
            json.Remove(edit[1..]);
            return;
        }

        var (path, value) = (edit[..edit.IndexOf('=')], JsonNode.Parse(edit[(edit.IndexOf('=') + 1)..]));
        var parts = path.Split('.');
        var target = parts[..^1].Aggregate(json, (o, p) => o[p]!.AsObject());
        target[parts[^1]] = value;
    }
}
