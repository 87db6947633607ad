namespace OnnxOll.Clip.Text;

/// <summary>GPT-2/CLIP byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 onwards.</summary>
internal static class ByteToUnicode
{
    /// <summary>Character standing for each byte value.</summary>
    public static readonly char[] Chars = BuildChars();

    private static readonly short[] Bytes = BuildBytes();

    /// <summary>Byte value a table character stands for, or -1 when the character is not in the table.</summary>
    public static int ToByte(char c) => c < Bytes.Length ? Bytes[c] : -1;

    private static char[] BuildChars()
    {
        var chars = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return chars;
    }

    private static short[] BuildBytes()
    {
        var bytes = new short[512];
        Array.Fill(bytes, (short)-1);
        for (int b = 0; b < 256; b++)
        {
            bytes[Chars[b]] = (short)b;
        }
        return bytes;
    }
}
