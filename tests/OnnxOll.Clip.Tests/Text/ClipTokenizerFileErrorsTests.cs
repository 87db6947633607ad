using OnnxOll.Clip.Text;
using OnnxOll.TestSupport;
using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>Bad tokenizer files and options give one clear exception naming the file and the problem.</summary>
public sealed class ClipTokenizerFileErrorsTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public ClipTokenizerFileErrorsTests() => TinyVocabulary.Write(directory.Path);

    public void Dispose() => directory.Dispose();

    private string Vocab => Path.Combine(directory.Path, TinyVocabulary.VocabFileName);

    private string Merges => Path.Combine(directory.Path, TinyVocabulary.MergesFileName);

    [Fact]
    public void MissingFile_NamesIt()
    {
        string missing = Path.Combine(directory.Path, "nope.json");
        var error = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Create(missing, Merges));
        Assert.Contains(missing, error.Message);
    }

    // Columns: vocab.json contents, text the error must contain.
    [Theory]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"a\": 0, \"<|startoftext|>\": 1}", "'<|endoftext|>' missing")]
    [InlineData("{\"a\": 0, \"<|startoftext|>\": 1, \"<|endoftext|>\": 5}", "expected distinct ids in [0, 3)")]
    public void BadVocabulary_IsNamed(string json, string expected)
    {
        File.WriteAllText(Vocab, json);
        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Create(Vocab, Merges));
        Assert.Contains(Vocab, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void BadMergeLine_IsNamedWithItsNumber()
    {
        File.WriteAllText(Merges, "#version: 0.2\nc a\nthis is wrong\n");
        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Create(Vocab, Merges));
        Assert.Contains($"{Merges}: merge 2", error.Message);
    }

    // Columns: pad id, context length; each invalid.
    [Theory]
    [InlineData(TinyVocabulary.VocabSize, 77)]
    [InlineData(-1, 77)]
    [InlineData(0, 1)]
    public void BadOptions_AreRejected(int padId, int contextLength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClipTokenizer.Create(Vocab, Merges, new ClipTokenizerOptions { PadId = padId, ContextLength = contextLength }));

    [Fact]
    public void PadZero_IsAccepted()
    {
        var tokenizer = ClipTokenizer.Create(Vocab, Merges, new ClipTokenizerOptions { PadId = 0, ContextLength = 4 });
        var row = new long[4];
        tokenizer.EncodeBatch(["cat"], row);
        Assert.Equal([TinyVocabulary.StartOfTextId, tokenizer.Encode("cat")[1], TinyVocabulary.EndOfTextId, 0L], row);
    }
}
