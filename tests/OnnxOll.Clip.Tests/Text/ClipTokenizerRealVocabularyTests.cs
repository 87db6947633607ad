using OnnxOll.Clip.Text;
using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>CLIP tokenizer on OpenAI's real 49408-token vocabulary against ids from reference_clip_tokenizer.py (OpenAI simple_tokenizer).</summary>
public sealed class ClipTokenizerRealVocabularyTests
{
    // Columns: input text, ids the reference tokenizer gives (BOS ... EOS).
    public static TheoryData<string, int[]> ReferenceCases => new()
    {
        { "a photo of a cat.", [49406, 320, 1125, 539, 320, 2368, 269, 49407] },
        { "A Photo OF a CAT.", [49406, 320, 1125, 539, 320, 2368, 269, 49407] },
        { "  a   photo\tof a\ncat.  ", [49406, 320, 1125, 539, 320, 2368, 269, 49407] },
        { "Hello, World!!", [49406, 3306, 267, 1002, 748, 49407] },
        { "it's", [49406, 585, 568, 49407] },
        { "IT'S a dog's life, we'll see", [49406, 585, 568, 320, 1929, 568, 970, 267, 649, 1342, 862, 49407] },
        { "cifar-10", [49406, 698, 2384, 268, 272, 271, 49407] },
        { "café", [49406, 15304, 49407] },
        { "naïve résumé", [49406, 1097, 35689, 563, 29106, 7054, 4166, 49407] },
        { "日本語", [49406, 39121, 44353, 34002, 508, 49407] },
        { "😀 emoji", [49406, 7334, 16327, 49407] },
        { "fish &amp; chips", [49406, 2759, 261, 8855, 49407] },
        { "<|startoftext|>a dog<|endoftext|>", [49406, 49406, 320, 1929, 49407, 49407] },
        { "x", [49406, 343, 49407] },
        { "", [49406, 49407] },
        { "   ", [49406, 49407] },
    };

    [RealVocabularyTheory]
    [MemberData(nameof(ReferenceCases))]
    public void Encode_MatchesReferenceIds(string text, int[] expected) =>
        Assert.Equal(expected, RealVocabulary.Tokenizer.Encode(text));

    [RealVocabularyFact]
    public void SpecialIdsAndSize_AreOpenAiClips()
    {
        var tokenizer = RealVocabulary.Tokenizer;
        Assert.Equal((49406, 49407, 49408, 49407), (tokenizer.BosId, tokenizer.EosId, tokenizer.VocabSize, tokenizer.PadId));
    }

    [RealVocabularyFact]
    public void EncodeBatch_PadsWithEosByDefault()
    {
        var row = new long[77];
        RealVocabulary.Tokenizer.EncodeBatch(["a photo of a cat."], row);
        long[] expected = [49406, 320, 1125, 539, 320, 2368, 269, .. Enumerable.Repeat(49407L, 70)];
        Assert.Equal(expected, row);
    }

    [RealVocabularyFact]
    public void EncodeBatch_PadsWithZeroWhenAsked()
    {
        var tokenizer = RealVocabulary.Create(new ClipTokenizerOptions { PadId = 0, ContextLength = 10 });
        var rows = new long[2 * 10];
        tokenizer.EncodeBatch(["it's", "x"], rows);
        long[] expected = [49406, 585, 568, 49407, 0, 0, 0, 0, 0, 0, 49406, 343, 49407, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(expected, rows);
    }

    [RealVocabularyFact]
    public void EncodeBatch_TruncatesLongTextKeepingEosLast()
    {
        string text = string.Concat(Enumerable.Repeat("a photo of a cat. ", 30));
        int[] sentence = [320, 1125, 539, 320, 2368, 269];
        var rows = new long[2 * 77];
        RealVocabulary.Tokenizer.EncodeBatch([text, "x"], 77, rows);

        long[] expected = [49406, .. Enumerable.Range(0, 75).Select(i => (long)sentence[i % 6]), 49407];
        Assert.Equal(expected, rows[..77]);
        Assert.Equal(49407, rows[76]);
        Assert.Equal(6 * 30 + 2, RealVocabulary.Tokenizer.Encode(text).Length);
        Assert.Equal([49406, 343, 49407], rows[77..80]);
    }

    [RealVocabularyFact]
    public void EncodeBatch_ExactFitIsNotTruncated()
    {
        // 75 body tokens + BOS + EOS is exactly 77.
        string text = string.Join(' ', Enumerable.Repeat("x", 75));
        var row = new long[77];
        RealVocabulary.Tokenizer.EncodeBatch([text], 77, row);
        Assert.Equal([49406L, .. Enumerable.Repeat(343L, 75), 49407L], row);
    }

    [RealVocabularyFact]
    public void EncodeBatch_RejectsWrongDestinationLength()
    {
        var error = Assert.Throws<ArgumentException>(() => RealVocabulary.Tokenizer.EncodeBatch(["a", "b"], 77, new long[77]));
        Assert.Contains("154", error.Message);
    }

    // Columns: input text, decoded text (OpenAI decode: </w> -> space, stripped).
    [RealVocabularyTheory]
    [InlineData("a photo of a cat.", "a photo of a cat .")]
    [InlineData("Hello, World!!", "hello , world !!")]
    [InlineData("café", "café")]
    [InlineData("日本語", "日本語")]
    [InlineData("it's", "it 's")]
    [InlineData("cifar-10", "cifar - 1 0")]
    public void Decode_InvertsEncode(string text, string expected) =>
        Assert.Equal(expected, RealVocabulary.Tokenizer.Decode(RealVocabulary.Tokenizer.Encode(text)));

    [RealVocabularyFact]
    public void Decode_RejectsUnknownId()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RealVocabulary.Tokenizer.Decode([320, 49408]));
        Assert.Contains("49408", error.Message);
    }
}
