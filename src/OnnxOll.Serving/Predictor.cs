using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;

namespace OnnxOll.Serving;

/// <summary>Top-k labels of one image with a PET snapshot, over the model's evaluation graphs (built once; PET tensors are inputs).</summary>
/// <remarks>Uses its own bound runs of the shared sessions, so it never waits for a training step; one prediction at a time.</remarks>
public sealed class Predictor : IDisposable
{
    private readonly object gate = new();
    private readonly ClipModelRuntime model;
    private readonly ClipImagePreprocessor preprocessor;
    private readonly ClipClassifier classifier;
    private readonly ClassVocabulary labels = new();
    private readonly TextFeatures text;
    private readonly TextFeatures frozenText;
    private readonly PetParameters frozen;
    private long textVersion = -1;

    /// <summary>Creates a predictor over <paramref name="model"/>'s sessions.</summary>
    public Predictor(ClipModelRuntime model, IReadOnlyList<string> prompts)
    {
        this.model = model;
        preprocessor = new ClipImagePreprocessor(model.Preprocessing);
        text = new TextFeatures(model, new PromptTemplates(prompts));
        frozenText = new TextFeatures(model, new PromptTemplates(prompts));
        frozen = PetParameters.Zero(model.Layout);
        classifier = new ClipClassifier(model);
    }

    /// <summary>Every candidate with its probability, most likely first; with the snapshot's DDAS router, an image it sends to the frozen
    /// model gets the zero-shot probabilities, and the result names the model that served it.</summary>
    public RoutedPrediction Predict(RgbImage image, IReadOnlyList<string> candidates, PetSnapshot snapshot)
    {
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(image, pixels, 0);
        lock (gate)
        {
            if (model.TextHasPet && textVersion != snapshot.Batches)
            {
                text.Refresh(snapshot.Pet);
            }

            textVersion = snapshot.Batches;
            var ids = candidates.Select(labels.GetOrAdd).ToArray();
            text.Extend(labels, snapshot.Pet);
            classifier.Router = snapshot.Router;
            return classifier.Classify(pixels, snapshot.Pet, toFrozen => ClipClassifier.ClassFeatures(toFrozen && model.TextHasPet ? Frozen() : text, ids, candidates));
        }
    }

    private TextFeatures Frozen()
    {
        frozenText.Extend(labels, frozen);
        return frozenText;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        classifier.Dispose();
        text.Dispose();
        frozenText.Dispose();
    }
}
