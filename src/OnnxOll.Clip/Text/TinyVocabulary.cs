using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OnnxOll.Clip.Text;

/// <summary>Writes a small, deterministic CLIP-style vocabulary (vocab.json + merges.txt) for tiny test models.</summary>
/// <remarks>Layout as in OpenAI CLIP: 256 byte symbols, their <c>&lt;/w&gt;</c> variants, BPE merges learned from <see cref="Words"/>, then BOS and EOS.</remarks>
public static class TinyVocabulary
{
    /// <summary>Number of entries in the written vocab.json.</summary>
    public const int VocabSize = 700;

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (second to last).</summary>
    public const int StartOfTextId = VocabSize - 2;

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (last); the tiny model's eos_token_id.</summary>
    public const int EndOfTextId = VocabSize - 1;

    /// <summary>File name of the token -> id map.</summary>
    public const string VocabFileName = "vocab.json";

    /// <summary>File name of the merge list.</summary>
    public const string MergesFileName = "merges.txt";

    /// <summary>The words the merges are learned from; every one of them encodes to a single token.</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        "a", "an", "the", "of", "this", "is", "with", "and", "on", "in", "photo", "bad", "good", "picture", "image",
        "drawing", "small", "big", "large", "red", "green", "blue", "yellow", "black", "white", "orange", "purple",
        "grey", "circle", "square", "triangle", "star", "cross", "shape", "stripes", "striped", "dots", "dotted",
        "pattern", "background", "colour", "color", "cat", "dog", "bird", "car", "truck", "plane", "airplane",
        "automobile", "ship", "horse", "frog", "deer", "digit", "zero", "one", "two", "three", "four", "five", "six",
        "seven", "eight", "nine",
    ];

    /// <summary>Writes <see cref="VocabFileName"/> and <see cref="MergesFileName"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(string directory)
    {
        var (tokens, merges) = Build();
        if (tokens.Count != VocabSize)
        {
            throw new InvalidOperationException($"Tiny vocabulary size: expected {VocabSize}, built {tokens.Count}.");
        }
        Directory.CreateDirectory(directory);

        using (var stream = File.Create(Path.Combine(directory, VocabFileName)))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            for (int id = 0; id < tokens.Count; id++)
            {
                json.WriteNumber(tokens[id], id);
            }
            json.WriteEndObject();
        }

        var text = new StringBuilder("#version: 0.2\n");
        foreach (var (first, second) in merges)
        {
            text.Append(first).Append(' ').Append(second).Append('\n');
        }
        File.WriteAllText(Path.Combine(directory, MergesFileName), text.ToString(), new UTF8Encoding(false));
    }

    private static (List<string> Tokens, List<(string, string)> Merges) Build()
    {
        var baseSymbols = ByteToUnicode.Chars.Select(c => c.ToString()).Order(StringComparer.Ordinal).ToList();
        var tokens = new List<string>(baseSymbols);
        tokens.AddRange(baseSymbols.Select(s => s + ClipTokenizer.EndOfWordSuffix));
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);

        var words = Words.Select(w =>
        {
            var symbols = w.Select(c => c.ToString()).ToList();
            symbols[^1] += ClipTokenizer.EndOfWordSuffix;
            return symbols;
        }).ToList();

        var merges = new List<(string, string)>();
        while (MostFrequentPair(words) is (string first, string second))
        {
            merges.Add((first, second));
            if (known.Add(first + second))
            {
                tokens.Add(first + second);
            }
            foreach (var word in words)
            {
                ApplyMerge(word, first, second);
            }
        }
        tokens.Add(ClipTokenizer.StartOfText);
        tokens.Add(ClipTokenizer.EndOfText);
        return (tokens, merges);
    }

    private static (string, string)? MostFrequentPair(List<List<string>> words)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var word in words)
        {
            for (int i = 0; i + 1 < word.Count; i++)
            {
                var pair = (word[i], word[i + 1]);
                counts[pair] = counts.GetValueOrDefault(pair) + 1;
            }
        }
        (string, string)? best = null;
        int bestCount = 0;
        foreach (var (pair, count) in counts)
        {
            // Ties go to the ordinally smallest pair so the output does not depend on dictionary order.
            if (count > bestCount || (count == bestCount && ComparePairs(pair, best!.Value) < 0))
            {
                best = pair;
                bestCount = count;
            }
        }
        return best;
    }

    private static int ComparePairs((string, string) x, (string, string) y)
    {
        int c = string.CompareOrdinal(x.Item1, y.Item1);
        return c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
    }

    private static void ApplyMerge(List<string> word, string first, string second)
    {
        for (int i = 0; i + 1 < word.Count; i++)
        {
            if (word[i] == first && word[i + 1] == second)
            {
                word[i] = first + second;
                word.RemoveAt(i + 1);
            }
        }
    }
}
