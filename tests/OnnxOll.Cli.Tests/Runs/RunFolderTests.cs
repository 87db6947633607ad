using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Runs;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Runs;

/// <summary>A run folder belongs to one run: refused when in use, when it holds another run, or when a resume changes what defines the run.</summary>
[Collection(CliCollection.Name)]
public sealed class RunFolderTests(CliFixture fixture)
{
    [Fact]
    public void NonEmptyFolderWithoutResumeIsRefusedAndUnchanged()
    {
        string run = fixture.PathFor("runs/non-empty");
        LearnRun.Complete(fixture.ModelDirectory, run);
        var before = RunSnapshot.Take(run);
        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run)), "run", "not empty", "--resume");
        before.AssertUnchanged();
    }

    [Fact]
    public void ResumeWithOtherSettingsNamesEachDifference()
    {
        string run = fixture.PathFor("runs/other-settings");
        LearnRun.Complete(fixture.ModelDirectory, run);
        var before = RunSnapshot.Take(run);
        var result = CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--batch", "4", "--lr", "0.02", "--loss", "all", "--scenario", "iid", "--resume"));
        ErrorLine.AssertInputError(result, "batch: run has 8, given 4", "lr: run has 0.01, given 0.02", "loss: run has sit, given all", "scenario: run has disjoint");
        before.AssertUnchanged();
    }

    [Fact]
    public void FolderInUseIsRefused()
    {
        string run = fixture.PathFor("runs/in-use");
        LearnRun.Complete(fixture.ModelDirectory, run);
        var before = RunSnapshot.Take(run);
        var settings = RunSettings.Create("x", "none", "d", "iid", new LearnerOptions());
        using (RunFolder.Open(Path.Combine(fixture.Root, "files", "runs", "lock-probe"), settings, resume: false))
        {
            // a second owner of the same folder in this process is refused too (the lock is per open file, not per process)
            var e = Assert.Throws<RunFolderException>(() => RunFolder.Open(Path.Combine(fixture.Root, "files", "runs", "lock-probe"), settings, resume: true));
            Assert.Contains("in use by another process", e.Message, StringComparison.Ordinal);
        }

        var runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(run, RunFolder.SettingsFileName)))!.AsObject();
        var stored = RunSettings.Create((string)runJson["settings"]!["model_hash"]!, "none", "d", "iid", new LearnerOptions());
        using (RunFolder.Open(run, stored with { Fixed = runJson["settings"]!.AsObject() }, resume: true))
        {
            ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--resume")), "in use by another process");
        }

        before.AssertUnchanged();
    }

    [Fact]
    public void ResumingAFinishedRunChangesNothing()
    {
        string run = fixture.PathFor("runs/finished");
        LearnRun.Complete(fixture.ModelDirectory, run);
        var before = RunSnapshot.Take(run);
        Assert.Contains("summary.json", before.Names);
        LearnRun.Complete(fixture.ModelDirectory, run, "--resume", "--eval-every", "8");
        before.AssertUnchanged();
    }

    [Fact]
    public void ChangeableSettingsAreAcceptedAndRecorded()
    {
        string run = fixture.PathFor("runs/changeable");
        LearnRun.Complete(fixture.ModelDirectory, run);
        string path = Path.Combine(run, RunFolder.SettingsFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["finished_utc"] = null;
        File.WriteAllText(path, json.ToJsonString());

        LearnRun.Complete(fixture.ModelDirectory, run, "--resume", "--eval-every", "8");
        var after = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var change = after["resumes"]![0]!["changed"]!["eval_every"]!;
        Assert.Equal((0, 8), ((int)change["from"]!, (int)change["to"]!));
        Assert.Equal(8, (int)after["changeable"]!["eval_every"]!);
        Assert.NotNull(after["finished_utc"]);
    }

    [Fact]
    public void ResumeOnDataThatShrankIsRefusedAndChangesNothing()
    {
        string data = fixture.PathFor("runs/shrinking-data/x");
        data = Path.GetDirectoryName(data)!;
        foreach (var (split, count) in new[] { ("train", 8), ("test", 1) })
        {
            foreach (var label in new[] { "cat", "dog", "eel" })
            {
                Directory.CreateDirectory(Path.Combine(data, split, label));
                for (int i = 0; i < count; i++)
                {
                    Bitmap.WriteRandom(Path.Combine(data, split, label, $"{i}.bmp"), 6, 6, seed: i);
                }
            }
        }

        string run = fixture.PathFor("runs/shrunk");
        LearnRun.Complete(fixture.ModelDirectory, run, "--data", $"folder:{data}");
        Manifests.MarkUnfinished(run);
        foreach (var image in Directory.GetFiles(Path.Combine(data, "train", "dog")))
        {
            File.Delete(image);
        }

        var before = RunSnapshot.Take(run);
        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, run, "--data", $"folder:{data}", "--resume")),
            run, "stream position 24 is beyond the 16 samples", "the data changed");
        before.AssertUnchanged();
    }

    [Fact]
    public void OutPointingAtAFileIsRefused()
    {
        string file = fixture.PathFor("runs/a-file");
        File.WriteAllText(file, "not a folder");
        ErrorLine.AssertInputError(CliFixture.Run(LearnRun.Args(fixture.ModelDirectory, file)), file, "is a file");
        Assert.Equal("not a folder", File.ReadAllText(file));
    }
}
