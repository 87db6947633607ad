using System.Text.Json;
using OnnxOll.Clip.Text;
using OnnxOll.TestSupport;
using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>The generated tiny vocabulary: layout, determinism, and the CLIP tokenizer's rules on it.</summary>
public sealed class TinyVocabularyTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ClipTokenizer _tokenizer;
    private readonly Dictionary<string, int> _vocab;

    public TinyVocabularyTests()
    {
        TinyVocabulary.Write(_directory.Path);
        _tokenizer = ClipTokenizer.Create(Path.Combine(_directory.Path, TinyVocabulary.VocabFileName), Path.Combine(_directory.Path, TinyVocabulary.MergesFileName));
        _vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(_directory.Path, TinyVocabulary.VocabFileName)))!;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Layout_IsClipStyle()
    {
        Assert.Equal(TinyVocabulary.VocabSize, _vocab.Count);
        Assert.True(TinyVocabulary.VocabSize <= 1000);
        Assert.Equal(TinyVocabulary.VocabSize, _tokenizer.VocabSize);
        Assert.Equal((TinyVocabulary.StartOfTextId, TinyVocabulary.EndOfTextId), (_tokenizer.BosId, _tokenizer.EosId));
        Assert.Equal(TinyVocabulary.VocabSize - 1, _vocab["<|endoftext|>"]);
        // Same positions as OpenAI's vocabulary: '!' first, "a</w>" = 256 + 64, the last byte symbol U+0143 at 255 and 511.
        Assert.Equal((0, 64, 320, 255, 511), (_vocab["!"], _vocab["a"], _vocab["a</w>"], _vocab["\u0143"], _vocab["\u0143</w>"]));
        Assert.Equal(_vocab.Count, _vocab.Values.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, _vocab.Count), _vocab.Values.Order());
        var merges = File.ReadAllLines(Path.Combine(_directory.Path, TinyVocabulary.MergesFileName));
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
            Assert.Equal(File.ReadAllBytes(Path.Combine(_directory.Path, name)), File.ReadAllBytes(Path.Combine(again.Path, name)));
        }
    }

    [Fact]
    public void EveryWord_IsOneToken()
    {
        foreach (var word in TinyVocabulary.Words)
        {
            Assert.Equal([_tokenizer.BosId, _vocab[word + "</w>"], _tokenizer.EosId], _tokenizer.Encode(word));
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
        Assert.Equal([_tokenizer.BosId, .. tokens.Select(t => _vocab[t]), _tokenizer.EosId], _tokenizer.Encode(text));

    // Columns: input text, decoded text.
    [Theory]
    [InlineData("a bad photo of a red circle.", "a bad photo of a red circle .")]
    [InlineData("Café ÜBER 日本", "café über 日本")]
    [InlineData("striped triangles", "striped triangles")]
    public void Decode_RoundTrips(string text, string expected) =>
        Assert.Equal(expected, _tokenizer.Decode(_tokenizer.Encode(text)));

    [Fact]
    public void EncodeBatch_TruncatesAndPads()
    {
        const int context = 8;
        var rows = new long[2 * context];
        _tokenizer.EncodeBatch(["one two three four five six seven eight nine", "cat"], context, rows);
        long[] expected =
        [
            TinyVocabulary.StartOfTextId, .. new[] { "one", "two", "three", "four", "five", "six" }.Select(w => (long)_vocab[w + "</w>"]), TinyVocabulary.EndOfTextId,
            TinyVocabulary.StartOfTextId, _vocab["cat</w>"], .. Enumerable.Repeat((long)TinyVocabulary.EndOfTextId, 6),
        ];
        Assert.Equal(expected, rows);
    }
}
