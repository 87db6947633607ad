using System.Numerics.Tensors;
using OnnxOll.Clip.Imaging;
using OnnxOll.Benchmarks.Tests;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Inference.Tests;

[Collection(TinyModelCollection.Name)]
public sealed class ClipClassifierTests(TinyModel tiny)
{
    private static readonly string[] Labels = ["red", "green", "blue"];

    [Fact]
    public void Predict_PicksTheRowWithTheLargestDotProduct()
    {
        float[] image = [0.6f, 0.8f];
        float[] classes = [1, 0, 0, 1, -1, 0];
        var scores = new float[3];
        Assert.Equal(1, ClipClassifier.Predict(image, classes, scores));
        Assert.Equal([0.6f, 0.8f, -0.6f], scores);
    }

    [Fact]
    public void Probabilities_AreASoftmaxOverTheClassesMostLikelyFirst()
    {
        using var model = ClipModelRuntime.Open(tiny.Directory, PetSpec.Parse("lora:r=2,alpha=4"));
        var pet = PetParameters.Create(model.Layout, seed: 1);
        using var classifier = new ClipClassifier(model);
        var image = classifier.Embed(Image(), pet);
        Assert.Equal(1, TensorPrimitives.Norm(image), 4);

        var classes = ClipClassifier.ClassFeatures(model, pet, Labels, ["a {} thing."]);
        var probabilities = classifier.Probabilities(image, classes);
        Assert.Equal(Labels.Order(), probabilities.Select(p => p.Label).Order());
        Assert.Equal(1, probabilities.Sum(p => p.Probability), 6);
        Assert.Equal(probabilities.OrderByDescending(p => p.Probability), probabilities);
        var scores = new float[Labels.Length];
        Assert.Equal(probabilities[0].Label, Labels[ClipClassifier.Predict(image, classes.Rows, scores)]);
    }

    [Fact]
    public void ClassFeatures_UseTheStoredRowsWhenEveryLabelIsStored()
    {
        using var model = ClipModelRuntime.Open(tiny.Directory, PetSpec.None);
        int dim = model.Config.ProjectionDim;
        var stored = new ClassEmbeddings(Labels, Enumerable.Range(0, Labels.Length * dim).Select(i => (float)i).ToArray(), dim);
        var classes = ClipClassifier.ClassFeatures(model, PetParameters.Zero(model.Layout), ["blue", "red"], ["a {}."], stored);
        Assert.Equal(["blue", "red"], classes.Names);
        Assert.Equal(stored.Rows.AsSpan(2 * dim, dim).ToArray(), classes.Rows.AsSpan(0, dim).ToArray());
        Assert.Equal(stored.Rows.AsSpan(0, dim).ToArray(), classes.Rows.AsSpan(dim, dim).ToArray());
    }

    private static RgbImage Image()
    {
        var pixels = new byte[16 * 16 * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 256);
        }

        return new RgbImage(16, 16, pixels);
    }
}
