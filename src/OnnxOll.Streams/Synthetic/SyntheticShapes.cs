namespace OnnxOll.Streams.Synthetic;

/// <summary>Draws labelled images of coloured, textured shapes; the label is the names, e.g. "striped red circle".</summary>
/// <remarks>Pixels depend only on (seed, class, sample index), so any sample can be regenerated on demand.</remarks>
public sealed class SyntheticShapes
{
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (220, 40, 40), (40, 170, 60), (50, 80, 220), (230, 210, 40), (150, 60, 190), (240, 140, 30),
    ];

    private readonly SyntheticShapesOptions options;

    /// <summary>Creates a generator for the given settings.</summary>
    public SyntheticShapes(SyntheticShapesOptions options)
    {
        this.options = options;
        var names = new List<string>();
        for (int t = 0; t < options.Textures; t++)
        {
            for (int c = 0; c < options.Colours; c++)
            {
                for (int s = 0; s < options.Shapes; s++)
                {
                    names.Add(ClassName(c, s, t));
                }
            }
        }

        ClassNames = names;
    }

    /// <summary>Colour names, in palette order.</summary>
    public static IReadOnlyList<string> ColourNames { get; } = ["red", "green", "blue", "yellow", "purple", "orange"];

    /// <summary>Shape names.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = ["circle", "square", "triangle", "cross"];

    /// <summary>Texture names; "plain" is left out of labels.</summary>
    public static IReadOnlyList<string> TextureNames { get; } = ["plain", "striped", "dotted"];

    /// <summary>Class names in a fixed order (texture-major, then colour, then shape).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Image side length in pixels.</summary>
    public int ImageSize => options.ImageSize;

    /// <summary>Samples per class in the split.</summary>
    public int PerClass(bool test) => test ? options.TestPerClass : options.TrainPerClass;

    /// <summary>Renders sample <paramref name="index"/> of class <paramref name="classIndex"/> into an HWC RGB buffer.</summary>
    public void Render(int classIndex, int index, bool test, Span<byte> rgb)
    {
        int n = options.ImageSize;
        if (rgb.Length != n * n * 3)
        {
            throw new ArgumentException($"Buffer holds {rgb.Length} bytes, an image needs {n * n * 3}.", nameof(rgb));
        }

        int texture = classIndex / (options.Colours * options.Shapes);
        int colour = classIndex / options.Shapes % options.Colours;
        int shape = classIndex % options.Shapes;
        var rng = new Random(SampleSeed(classIndex, index, test));
        var (r, g, b) = Palette[colour];
        double cx = n * (0.35 + 0.3 * rng.NextDouble()), cy = n * (0.35 + 0.3 * rng.NextDouble());
        double radius = n * (0.22 + 0.12 * rng.NextDouble());
        double angle = rng.NextDouble() * Math.PI / 2, cos = Math.Cos(angle), sin = Math.Sin(angle);
        int background = 90 + rng.Next(60);
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double u = ((x - cx) * cos + (y - cy) * sin) / radius, v = (-(x - cx) * sin + (y - cy) * cos) / radius;
                bool inside = Inside(shape, u, v) && TextureOn(texture, u, v);
                int noise = rng.Next(-12, 13);
                int o = (y * n + x) * 3;
                rgb[o] = Clamp((inside ? r : background) + noise);
                rgb[o + 1] = Clamp((inside ? g : background) + noise);
                rgb[o + 2] = Clamp((inside ? b : background) + noise);
            }
        }
    }

    // HashCode.Combine is randomised per process; samples must be identical across processes (resume, determinism).
    private int SampleSeed(int classIndex, int index, bool test) =>
        unchecked((((((options.Seed * 1_000_003) + classIndex) * 1_000_003) + index) * 2) + (test ? 1 : 0));

    private string ClassName(int colour, int shape, int texture) =>
        texture == 0 ? $"{ColourNames[colour]} {ShapeNames[shape]}" : $"{TextureNames[texture]} {ColourNames[colour]} {ShapeNames[shape]}";

    private static bool Inside(int shape, double u, double v) => shape switch
    {
        0 => u * u + v * v <= 1,
        1 => Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8,
        2 => v <= 0.7 && v >= -0.9 + 1.6 * Math.Abs(u) * 1.1,
        _ => (Math.Abs(u) <= 0.3 && Math.Abs(v) <= 1) || (Math.Abs(v) <= 0.3 && Math.Abs(u) <= 1),
    };

    private static bool TextureOn(int texture, double u, double v) => texture switch
    {
        1 => ((int)Math.Floor((u + 2) * 2.5) & 1) == 0,
        2 => Math.Pow((u * 3) - Math.Round(u * 3), 2) + Math.Pow((v * 3) - Math.Round(v * 3), 2) <= 0.12,
        _ => true,
    };

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
