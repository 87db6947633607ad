namespace OnnxOll.Jobs.Tests;

public sealed class LearningJobTests(TinyJobFixture fixture) : IClassFixture<TinyJobFixture>
{
    [Fact]
    public void LearnsTheWholeStreamAndMarksTheRunFinished()
    {
        string run = fixture.RunDirectory("whole");
        using (var job = LearningJob.Open(fixture.Settings(run), _ => { }, _ => { }))
        {
            var result = job.Run(null, null, CancellationToken.None);

            Assert.True(result.Completed);
            Assert.Equal(16, result.Summary.SamplesSeen);
        }

        using var again = LearningJob.Open(fixture.Settings(run) with { Resume = true }, _ => { }, _ => { });
        Assert.NotNull(again.FinishedUtc);
        Assert.Throws<InvalidOperationException>(() => again.Learner);
    }

    [Fact]
    public void ResumingAnInterruptedRunRestoresItsCheckpoint()
    {
        string run = fixture.RunDirectory("resume");
        using (var job = LearningJob.Open(fixture.Settings(run), _ => { }, _ => { }))
        {
            using var cancel = new CancellationTokenSource();
            job.Learner.Plugins.Add(new CancelAfterBatches(2, cancel));
            Assert.False(job.Run(null, null, cancel.Token).Completed);
        }

        var notes = new List<string>();
        using var resumed = LearningJob.Open(fixture.Settings(run) with { Resume = true }, notes.Add, _ => { });
        Assert.Equal(8, resumed.Learner.Cursor);
        Assert.Contains(notes, n => n.Contains("ckpt-", StringComparison.Ordinal));
        Assert.Equal(16, resumed.Run(null, null, CancellationToken.None).Summary.SamplesSeen);
    }

    [Fact]
    public void AResumeWithAFixedSettingChangedIsRefusedNamingBothValues()
    {
        string run = fixture.RunDirectory("fixed");
        using (var job = LearningJob.Open(fixture.Settings(run), _ => { }, _ => { }))
        {
            job.Run(null, null, CancellationToken.None);
        }

        var changed = fixture.Settings(run) with { Resume = true };
        changed = changed with { Learner = changed.Learner with { LearningRate = 0.5f } };

        var e = Assert.Throws<Learning.Runs.RunFolderException>(() => LearningJob.Open(changed, _ => { }, _ => { }));
        Assert.Contains("lr: run has 0.01, given 0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AResumeAppliesAndRecordsAChangedEvaluationCadence()
    {
        string run = fixture.RunDirectory("changeable");
        using (var job = LearningJob.Open(fixture.Settings(run), _ => { }, _ => { }))
        {
            using var cancel = new CancellationTokenSource();
            job.Learner.Plugins.Add(new CancelAfterBatches(1, cancel));
            job.Run(null, null, cancel.Token);
        }

        var resumed = fixture.Settings(run) with { Resume = true };
        var notes = new List<string>();
        using var again = LearningJob.Open(resumed with { Learner = resumed.Learner with { EvalEvery = 8 } }, notes.Add, _ => { });

        Assert.Contains(notes, n => n.Contains("eval_every 0 → 8", StringComparison.Ordinal));
        Assert.Equal(8, again.Settings.Learner.EvalEvery);
    }

    [Fact]
    public void AJobThatFailsToOpenItsDataLeavesNoRunFolder()
    {
        string run = fixture.RunDirectory("bad-data");

        Assert.ThrowsAny<Exception>(() => LearningJob.Open(fixture.Settings(run) with { DataSpec = "folder:" + Path.Combine(run + "-missing", "x") }, _ => { }, _ => { }));
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void AnInitialAdapterAndResumeTogetherAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => InitialAdapter.Resolve(fixture.Settings(fixture.RunDirectory("both")) with { InitAdapter = fixture.ModelDirectory, Resume = true }, _ => { }));
        Assert.Contains("not both", e.Message, StringComparison.Ordinal);
    }
}
