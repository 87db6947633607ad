namespace OnnxOll.Streams.Synthetic;

/// <summary>Settings of the procedurally generated shapes x colours x textures stream used by the demo and tests.</summary>
public sealed record SyntheticShapesOptions
{
    /// <summary>How many colours to use, from the start of <see cref="SyntheticShapes.ColourNames"/>.</summary>
    public int Colours { get; init; } = 4;

    /// <summary>How many shapes to use, from the start of <see cref="SyntheticShapes.ShapeNames"/>.</summary>
    public int Shapes { get; init; } = 3;

    /// <summary>How many textures to use, from the start of <see cref="SyntheticShapes.TextureNames"/>.</summary>
    public int Textures { get; init; } = 2;

    /// <summary>Training samples per class.</summary>
    public int TrainPerClass { get; init; } = 100;

    /// <summary>Held-out test samples per class.</summary>
    public int TestPerClass { get; init; } = 20;

    /// <summary>Side length of the square images in pixels.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Seed of the generator: the same seed gives the same pixels.</summary>
    public int Seed { get; init; }

    /// <summary>Parses <c>colours=4,shapes=3,textures=2,train=100,test=20,size=32,seed=0</c> (any subset, any order).</summary>
    public static SyntheticShapesOptions Parse(string spec)
    {
        var o = new SyntheticShapesOptions();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], out int v) || v < 0)
            {
                throw new FormatException($"Synthetic data spec '{spec}': '{part}' is not key=non-negative-integer.");
            }

            o = kv[0] switch
            {
                "colours" or "colors" => o with { Colours = Check(spec, kv[0], v, SyntheticShapes.ColourNames.Count) },
                "shapes" => o with { Shapes = Check(spec, kv[0], v, SyntheticShapes.ShapeNames.Count) },
                "textures" => o with { Textures = Check(spec, kv[0], v, SyntheticShapes.TextureNames.Count) },
                "train" => o with { TrainPerClass = v },
                "test" => o with { TestPerClass = v },
                "size" => o with { ImageSize = Check(spec, kv[0], v, 1024) },
                "seed" => o with { Seed = v },
                _ => throw new FormatException($"Synthetic data spec '{spec}': unknown key '{kv[0]}' (colours, shapes, textures, train, test, size, seed)."),
            };
        }

        return o;
    }

    private static int Check(string spec, string key, int value, int max) =>
        value >= 1 && value <= max ? value : throw new FormatException($"Synthetic data spec '{spec}': {key}={value} must be in 1..{max}.");
}
