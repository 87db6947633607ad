using OnnxOll.Streams.Data;

namespace OnnxOll.Streams.Synthetic;

/// <summary>One split of the procedural shapes stream as a sample source; pixels are rendered on demand.</summary>
public sealed class SyntheticShapesSource : ILabelledSampleSource
{
    private readonly SyntheticShapes shapes;
    private readonly bool test;
    private readonly string[] labels;

    /// <summary>Creates the train or test split of <paramref name="shapes"/>.</summary>
    public SyntheticShapesSource(SyntheticShapes shapes, bool test)
    {
        this.shapes = shapes;
        this.test = test;
        int per = shapes.PerClass(test);
        labels = new string[shapes.ClassNames.Count * per];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = shapes.ClassNames[i / per];
        }
    }

    /// <summary>Opens both splits from a spec such as <c>colours=4,shapes=3,textures=2,train=100,test=20,size=32</c>.</summary>
    public static DataSplits OpenSplits(string spec)
    {
        var shapes = new SyntheticShapes(SyntheticShapesOptions.Parse(spec));
        return new DataSplits(new SyntheticShapesSource(shapes, test: false), shapes.PerClass(test: true) == 0 ? null : new SyntheticShapesSource(shapes, test: true));
    }

    /// <inheritdoc />
    public string Name => $"synthetic shapes ({(test ? "test" : "train")})";

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => labels;

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        int per = shapes.PerClass(test);
        int n = shapes.ImageSize;
        var pixels = new byte[n * n * 3];
        shapes.Render(index / per, index % per, test, pixels);
        return LabelledSample.FromPixels(labels[index], new RawImage(pixels, n, n, 3), $"{Name} #{index}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
