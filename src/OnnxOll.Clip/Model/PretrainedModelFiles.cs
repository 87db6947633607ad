namespace OnnxOll.Clip.Model;

/// <summary>The files <c>pretrain</c> writes beside a model's weights, read by the results report.</summary>
public static class PretrainedModelFiles
{
    /// <summary>The classes the model was pretrained on, one per line.</summary>
    public const string Classes = "pretrain_classes.txt";

    /// <summary>The run summary: recipe, seed, data, settings and per-epoch loss and zero-shot accuracy.</summary>
    public const string Summary = "pretrain.json";
}
