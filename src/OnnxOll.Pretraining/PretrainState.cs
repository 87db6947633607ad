using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Optim;

namespace OnnxOll.Pretraining;

/// <summary>A pretraining run's resumable bookkeeping: the step, the running epoch loss, finished epochs, skips and training seconds.</summary>
internal sealed class PretrainState
{
    public long Step { get; set; }

    public double EpochLossSum { get; set; }

    public int EpochLossCount { get; set; }

    public int SkippedSteps { get; set; }

    public double Seconds { get; set; }

    public List<PretrainEpoch> Epochs { get; } = [];

    public static JsonArray EpochsJson(IEnumerable<PretrainEpoch> epochs) => new([.. epochs.Select(e => (JsonNode?)new JsonObject
    {
        ["epoch"] = e.Epoch,
        ["mean_loss"] = e.MeanLoss,
        ["zero_shot_accuracy"] = double.IsNaN(e.ZeroShotAccuracy) ? null : e.ZeroShotAccuracy,
        ["logit_scale"] = e.LogitScale,
        ["seconds"] = e.Seconds,
    })]);

    public Checkpoint ToCheckpoint(string identity, PretrainJob job, ClipParameterSet parameters, AdamW adam) => new(
        Step,
        identity,
        ClipPretrainer.FullParameters,
        new JsonObject { ["recipe"] = job.Recipe.Name, ["seed"] = job.Seed, ["data"] = job.DataSpec, ["settings"] = job.Recipe.Settings.ToJson() },
        new Dictionary<string, long> { ["skipped_steps"] = SkippedSteps, ["epoch_loss_count"] = EpochLossCount },
        new JsonObject(),
        Step,
        new JsonObject { ["epoch_loss_sum"] = EpochLossSum, ["seconds"] = Seconds, ["epochs"] = EpochsJson(Epochs) },
        parameters.ToTensors(),
        adam.ExportState());

    public static PretrainState Restore(Checkpoint checkpoint, string where)
    {
        try
        {
            var metrics = checkpoint.Metrics!.AsObject();
            var state = new PretrainState
            {
                Step = checkpoint.StreamCursor,
                SkippedSteps = (int)checkpoint.Counters["skipped_steps"],
                EpochLossCount = (int)checkpoint.Counters["epoch_loss_count"],
                EpochLossSum = metrics["epoch_loss_sum"]!.GetValue<double>(),
                Seconds = metrics["seconds"]!.GetValue<double>(),
            };
            foreach (var e in metrics["epochs"]!.AsArray())
            {
                state.Epochs.Add(new PretrainEpoch(
                    e!["epoch"]!.GetValue<int>(), e["mean_loss"]!.GetValue<double>(), e["zero_shot_accuracy"]?.GetValue<double>() ?? double.NaN,
                    e["logit_scale"]!.GetValue<float>(), e["seconds"]!.GetValue<double>()));
            }

            return state;
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"{where}: pretraining fields (counters skipped_steps/epoch_loss_count, metrics epoch_loss_sum/seconds/epochs) are missing or malformed.", ex);
        }
    }
}
