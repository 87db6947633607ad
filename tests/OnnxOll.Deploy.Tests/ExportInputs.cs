using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Runtime;

namespace OnnxOll.Deploy.Tests;

/// <summary>Inputs for the tiny model's exported graphs (random pixels, prompt ids) and comparisons of their embeddings.</summary>
internal static class ExportInputs
{
    /// <summary>Runs a graph through an I/O binding with every PET tensor fed (as OnnxOll does); returns the embeddings [rows, 32].</summary>
    public static float[] RunBound<T>(string path, PetLayout layout, PetParameters pet, string input, T[] data, string output, int rows) where T : unmanaged
    {
        using var session = SessionFactory.Open(path);
        using var run = session.Bind();
        long[] shape = typeof(T) == typeof(float) ? [rows, 3, 32, 32] : [rows, data.Length / rows];
        data.AsSpan().CopyTo(run.Input(input, shape).AsSpan<T>());
        var embeds = run.Output(output, rows, 32);
        new PetBinding(session, run, layout, gradients: false).CopyIn(pet);
        run.Run();
        return embeds.AsSpan<float>().ToArray();
    }

    public static float[] RandomPixels(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * 3 * 32 * 32).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }

    public static long[] PromptIds(int classes)
    {
        var ids = new long[classes * 16];
        for (int c = 0; c < classes; c++)
        {
            ids[c * 16] = Clip.Text.TinyVocabulary.StartOfTextId;
            for (int t = 1; t < 6 + c; t++)
            {
                ids[(c * 16) + t] = 10 + (7 * t) + c;
            }

            ids[(c * 16) + 6 + c] = Clip.Text.TinyVocabulary.EndOfTextId;
        }

        return ids;
    }

    public static double MaxDifference(float[] a, float[] b) => a.Select((x, i) => Math.Abs(x - b[i])).Max();

    public static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = MaxDifference(expected, actual);
        Assert.True(max <= tolerance, $"max |difference| {max} > {tolerance}");
    }
}
