using System.Text.Json;
using OnnxOll.Clip.Text;
using OnnxOll.TestSupport;
using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>The generated tiny vocabulary: layout, determinism, and the CLIP tokenizer's rules on it.</summary>
public sealed class TinyVocabularyTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly ClipTokenizer tokenizer;
    private readonly Dictionary<string, int> vocab;

    public TinyVocabularyTests()
    {
        TinyVocabulary.Write(directory.Path);
        tokenizer = ClipTokenizer.Create(Path.Combine(directory.Path, TinyVocabulary.VocabFileName), Path.Combine(directory.Path, TinyVocabulary.MergesFileName));
        vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(directory.Path, TinyVocabulary.VocabFileName)))!;
    }

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Layout_IsClipStyle()
    {
        Assert.Equal(TinyVocabulary.VocabSize, vocab.Count);
        Assert.True(TinyVocabulary.VocabSize <= 1000);
        Assert.Equal(TinyVocabulary.VocabSize, tokenizer.VocabSize);
        Assert.Equal((TinyVocabulary.StartOfTextId, TinyVocabulary.EndOfTextId), (tokenizer.BosId, tokenizer.EosId));
        Assert.Equal(TinyVocabulary.VocabSize - 1, vocab["<|endoftext|>"]);
        // Same positions as OpenAI's vocabulary: '!' first, "a</w>" = 256 + 64, the last byte symbol U+0143 at 255 and 511.
        Assert.Equal((0, 64, 320, 255, 511), (vocab["!"], vocab["a"], vocab["a</w>"], vocab["\u0143"], vocab["\u0143</w>"]));
        Assert.Equal(vocab.Count, vocab.Values.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, vocab.Count), vocab.Values.Order());
        var merges = File.ReadAllLines(Path.Combine(directory.Path, TinyVocabulary.MergesFileName));
        Assert.Equal("#version: 0.2", merges[0]);
        Assert.All(merges.Skip(1), m => Assert.Equal(2, m.Split(' ').Length));
    }

    [Fact]
    public void Output_IsDeterministic()
    {
        using var again = new TempDirectory();
        TinyVocabulary.Write(again.Path);
        foreach (var name in new[] { TinyVocabulary.VocabFileName, TinyVocabulary.MergesFileName })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory.Path, name)), File.ReadAllBytes(Path.Combine(again.Path, name)));
        }
    }

    [Fact]
    public void EveryWord_IsOneToken()
    {
        foreach (var word in TinyVocabulary.Words)
        {
            Assert.Equal([tokenizer.BosId, vocab[word + "</w>"], tokenizer.EosId], tokenizer.Encode(word));
        }
    }

    // Columns: input text, expected tokens between BOS and EOS.
    [Theory]
    [InlineData("a bad photo of a cat.", new[] { "a</w>", "bad</w>", "photo</w>", "of</w>", "a</w>", "cat</w>", ".</w>" })]
    [InlineData("  A   BAD\tPhoto  ", new[] { "a</w>", "bad</w>", "photo</w>" })]
    [InlineData("red, green!!", new[] { "red</w>", ",</w>", "green</w>", "!", "!</w>" })]
    [InlineData("cat's", new[] { "cat</w>", "'", "s</w>" })]
    [InlineData("cifar-10", new[] { "c", "i", "f", "ar</w>", "-</w>", "1</w>", "0</w>" })]
    [InlineData("café", new[] { "c", "a", "f", "\u00c3", "\u00a9</w>" })]
    [InlineData("dogs", new[] { "do", "g", "s</w>" })]
    public void Encode_SplitsAsClipDoes(string text, string[] tokens) =>
        Assert.Equal([tokenizer.BosId, .. tokens.Select(t => vocab[t]), tokenizer.EosId], tokenizer.Encode(text));

    // Columns: input text, decoded text.
    [Theory]
    [InlineData("a bad photo of a red circle.", "a bad photo of a red circle .")]
    [InlineData("Café ÜBER 日本", "café über 日本")]
    [InlineData("striped triangles", "striped triangles")]
    public void Decode_RoundTrips(string text, string expected) =>
        Assert.Equal(expected, tokenizer.Decode(tokenizer.Encode(text)));

    [Fact]
    public void EncodeBatch_TruncatesAndPads()
    {
        const int context = 8;
        var rows = new long[2 * context];
        tokenizer.EncodeBatch(["one two three four five six seven eight nine", "cat"], context, rows);
        long[] expected =
        [
            TinyVocabulary.StartOfTextId, .. new[] { "one", "two", "three", "four", "five", "six" }.Select(w => (long)vocab[w + "</w>"]), TinyVocabulary.EndOfTextId,
            TinyVocabulary.StartOfTextId, vocab["cat</w>"], .. Enumerable.Repeat((long)TinyVocabulary.EndOfTextId, 6),
        ];
        Assert.Equal(expected, rows);
    }
}
