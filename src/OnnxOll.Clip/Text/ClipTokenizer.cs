using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace OnnxOll.Clip.Text;

/// <summary>CLIP's byte-level BPE tokenizer (OpenAI simple_tokenizer / HF CLIPTokenizer) on top of Microsoft.ML.Tokenizers' BPE.</summary>
/// <remarks>Holds no mutable state of its own; concurrent calls are as safe as Microsoft.ML.Tokenizers' BpeTokenizer (its word cache is concurrent).</remarks>
public sealed partial class ClipTokenizer
{
    /// <summary>Beginning-of-text token string.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>End-of-text token string.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Suffix marking the last symbol of a word.</summary>
    public const string EndOfWordSuffix = "</w>";

    private readonly BpeTokenizer bpe;
    private readonly string?[] idToToken;
    private readonly ClipTokenizerOptions options;

    private ClipTokenizer(BpeTokenizer bpe, string?[] idToToken, ClipTokenizerOptions options, int bosId, int eosId)
    {
        this.bpe = bpe;
        this.idToToken = idToToken;
        this.options = options;
        BosId = bosId;
        EosId = eosId;
        VocabSize = idToToken.Length;
        PadId = options.PadId ?? eosId;
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c>.</summary>
    public int BosId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c>.</summary>
    public int EosId { get; }

    /// <summary>Id written after the end-of-text token when a row is padded.</summary>
    public int PadId { get; }

    /// <summary>Number of entries in vocab.json (49408 for OpenAI CLIP).</summary>
    public int VocabSize { get; }

    /// <summary>Default context length used by <see cref="EncodeBatch(IReadOnlyList{string}, Span{long})"/>.</summary>
    public int ContextLength => options.ContextLength;

    /// <summary>Loads an HF-style <c>vocab.json</c> and <c>merges.txt</c> (header <c>#version</c> allowed).</summary>
    public static ClipTokenizer Create(string vocabJsonPath, string mergesPath, ClipTokenizerOptions? options = null)
    {
        options ??= new ClipTokenizerOptions();
        if (options.ContextLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ContextLength must be at least 2 (BOS and EOS), got {options.ContextLength}.");
        }
        foreach (var path in new[] { vocabJsonPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"CLIP tokenizer file not found: {path}", path);
            }
        }

        var vocabulary = ReadVocabulary(vocabJsonPath);
        var idToToken = new string?[vocabulary.Count];
        foreach (var (token, id) in vocabulary)
        {
            if (id < 0 || id >= idToToken.Length || idToToken[id] is not null)
            {
                throw new InvalidDataException($"{vocabJsonPath}: token '{token}' has id {id}; expected distinct ids in [0, {idToToken.Length}).");
            }
            idToToken[id] = token;
        }
        if (options.PadId is int pad && (pad < 0 || pad >= idToToken.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PadId {pad} is not an id of '{vocabJsonPath}' (size {idToToken.Length}).");
        }
        var special = new Dictionary<string, int>
        {
            [StartOfText] = RequireId(vocabulary, StartOfText, vocabJsonPath),
            [EndOfText] = RequireId(vocabulary, EndOfText, vocabJsonPath),
        };
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
            {
                Merges = ReadMerges(mergesPath),
                PreTokenizer = new RegexPreTokenizer(PreTokenizerPattern(), special),
                SpecialTokens = special,
                EndOfWordSuffix = EndOfWordSuffix,
                ByteLevel = true,
            });
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"Cannot build the CLIP BPE from '{vocabJsonPath}' and '{mergesPath}': {e.Message}", e);
        }

        return new ClipTokenizer(bpe, idToToken, options, special[StartOfText], special[EndOfText]);
    }

    /// <summary>Token ids of <paramref name="text"/> between BOS and EOS, neither truncated nor padded.</summary>
    public int[] Encode(string text)
    {
        var ids = EncodeBody(text);
        var result = new int[ids.Count + 2];
        result[0] = BosId;
        for (int i = 0; i < ids.Count; i++)
        {
            result[i + 1] = ids[i];
        }
        result[^1] = EosId;
        return result;
    }

    /// <summary>Fills <paramref name="destination"/> ([texts, <see cref="ContextLength"/>] row-major) with padded, truncated ids.</summary>
    public void EncodeBatch(IReadOnlyList<string> texts, Span<long> destination) =>
        EncodeBatch(texts, ContextLength, destination);

    /// <summary>Fills <paramref name="destination"/> ([texts, contextLength] row-major): BOS, ids, EOS, then padding; a long text keeps EOS as its last token.</summary>
    public void EncodeBatch(IReadOnlyList<string> texts, int contextLength, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (contextLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(contextLength), $"contextLength must be at least 2 (BOS and EOS), got {contextLength}.");
        }
        if (destination.Length != texts.Count * contextLength)
        {
            throw new ArgumentException($"destination length: expected {texts.Count} x {contextLength} = {texts.Count * contextLength}, got {destination.Length}.", nameof(destination));
        }
        for (int row = 0; row < texts.Count; row++)
        {
            var ids = EncodeBody(texts[row]);
            var slot = destination.Slice(row * contextLength, contextLength);
            int body = Math.Min(ids.Count, contextLength - 2);
            slot[0] = BosId;
            for (int i = 0; i < body; i++)
            {
                slot[i + 1] = ids[i];
            }
            slot[body + 1] = EosId;
            slot[(body + 2)..].Fill(PadId);
        }
    }

    /// <summary>Text of unpadded <paramref name="ids"/>: BOS and EOS are skipped, <c>&lt;/w&gt;</c> becomes a space, invalid UTF-8 becomes U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var symbols = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == BosId || id == EosId)
            {
                continue;
            }
            symbols.Append((uint)id < (uint)idToToken.Length ? idToToken[id] : throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {id} is not in the vocabulary (size {VocabSize})."));
        }
        var bytes = new byte[symbols.Length];
        int count = 0;
        for (int i = 0; i < symbols.Length; i++)
        {
            int b = ByteToUnicode.ToByte(symbols[i]);
            if (b >= 0)
            {
                bytes[count++] = (byte)b;
            }
        }
        return Encoding.UTF8.GetString(bytes, 0, count).Replace(EndOfWordSuffix, " ").Trim();
    }

    private IReadOnlyList<int> EncodeBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string cleaned = ClipTextCleaner.Clean(text, options.HtmlUnescape);
        return cleaned.Length == 0 ? [] : bpe.EncodeToIds(cleaned);
    }

    private static Dictionary<string, int> ReadVocabulary(string vocabJsonPath)
    {
        try
        {
            using var stream = File.OpenRead(vocabJsonPath);
            return JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
                ?? throw new InvalidDataException($"{vocabJsonPath}: expected a JSON object of token -> id, got null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{vocabJsonPath}: expected a JSON object of token -> id: {e.Message}", e);
        }
    }

    private static string Quote(string line) => line.Length <= 60 ? line : $"{line[..60]}… ({line.Length} characters)";

    private static List<string> ReadMerges(string mergesPath)
    {
        var merges = new List<string>();
        foreach (var line in File.ReadLines(mergesPath))
        {
            if (line.Length == 0 || (merges.Count == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            if (line.Split(' ').Length != 2)
            {
                throw new InvalidDataException($"{mergesPath}: merge {merges.Count + 1} must be two symbols separated by one space, got '{Quote(line)}'.");
            }
            merges.Add(line);
        }
        return merges;
    }

    private static int RequireId(Dictionary<string, int> vocabulary, string token, string vocabJsonPath) =>
        vocabulary.TryGetValue(token, out int id) ? id : throw new InvalidDataException($"{vocabJsonPath}: token '{token}' missing from the vocabulary.");

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex PreTokenizerPattern();
}
