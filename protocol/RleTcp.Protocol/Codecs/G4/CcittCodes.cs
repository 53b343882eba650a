namespace RleTcp.Protocol.Codecs.G4;

/// <summary>
/// The run-length code words of ITU-T T.4 (tables 2 and 3, shared by T.6) and the T.6 mode codes, with the lookup
/// tables the decoder reads them through.
/// </summary>
internal static class CcittCodes
{
    /// <summary>Terminating codes (run 0..63) then make-up codes (64, 128, .. 1728), white, as (code, bits) pairs.</summary>
    private static readonly ushort[] White =
    [
        0x35, 8, 0x7, 6, 0x7, 4, 0x8, 4, 0xB, 4, 0xC, 4, 0xE, 4, 0xF, 4,
        0x13, 5, 0x14, 5, 0x7, 5, 0x8, 5, 0x8, 6, 0x3, 6, 0x34, 6, 0x35, 6,
        0x2A, 6, 0x2B, 6, 0x27, 7, 0xC, 7, 0x8, 7, 0x17, 7, 0x3, 7, 0x4, 7,
        0x28, 7, 0x2B, 7, 0x13, 7, 0x24, 7, 0x18, 7, 0x2, 8, 0x3, 8, 0x1A, 8,
        0x1B, 8, 0x12, 8, 0x13, 8, 0x14, 8, 0x15, 8, 0x16, 8, 0x17, 8, 0x28, 8,
        0x29, 8, 0x2A, 8, 0x2B, 8, 0x2C, 8, 0x2D, 8, 0x4, 8, 0x5, 8, 0xA, 8,
        0xB, 8, 0x52, 8, 0x53, 8, 0x54, 8, 0x55, 8, 0x24, 8, 0x25, 8, 0x58, 8,
        0x59, 8, 0x5A, 8, 0x5B, 8, 0x4A, 8, 0x4B, 8, 0x32, 8, 0x33, 8, 0x34, 8,
        0x1B, 5, 0x12, 5, 0x17, 6, 0x37, 7, 0x36, 8, 0x37, 8, 0x64, 8, 0x65, 8,
        0x68, 8, 0x67, 8, 0xCC, 9, 0xCD, 9, 0xD2, 9, 0xD3, 9, 0xD4, 9, 0xD5, 9,
        0xD6, 9, 0xD7, 9, 0xD8, 9, 0xD9, 9, 0xDA, 9, 0xDB, 9, 0x98, 9, 0x99, 9,
        0x9A, 9, 0x18, 6, 0x9B, 9,
    ];

    /// <summary>As <see cref="White"/>, for black runs.</summary>
    private static readonly ushort[] Black =
    [
        0x37, 10, 0x2, 3, 0x3, 2, 0x2, 2, 0x3, 3, 0x3, 4, 0x2, 4, 0x3, 5,
        0x5, 6, 0x4, 6, 0x4, 7, 0x5, 7, 0x7, 7, 0x4, 8, 0x7, 8, 0x18, 9,
        0x17, 10, 0x18, 10, 0x8, 10, 0x67, 11, 0x68, 11, 0x6C, 11, 0x37, 11, 0x28, 11,
        0x17, 11, 0x18, 11, 0xCA, 12, 0xCB, 12, 0xCC, 12, 0xCD, 12, 0x68, 12, 0x69, 12,
        0x6A, 12, 0x6B, 12, 0xD2, 12, 0xD3, 12, 0xD4, 12, 0xD5, 12, 0xD6, 12, 0xD7, 12,
        0x6C, 12, 0x6D, 12, 0xDA, 12, 0xDB, 12, 0x54, 12, 0x55, 12, 0x56, 12, 0x57, 12,
        0x64, 12, 0x65, 12, 0x52, 12, 0x53, 12, 0x24, 12, 0x37, 12, 0x38, 12, 0x27, 12,
        0x28, 12, 0x58, 12, 0x59, 12, 0x2B, 12, 0x2C, 12, 0x5A, 12, 0x66, 12, 0x67, 12,
        0xF, 10, 0xC8, 12, 0xC9, 12, 0x5B, 12, 0x33, 12, 0x34, 12, 0x35, 12, 0x6C, 13,
        0x6D, 13, 0x4A, 13, 0x4B, 13, 0x4C, 13, 0x4D, 13, 0x72, 13, 0x73, 13, 0x74, 13,
        0x75, 13, 0x76, 13, 0x77, 13, 0x52, 13, 0x53, 13, 0x54, 13, 0x55, 13, 0x5A, 13,
        0x5B, 13, 0x64, 13, 0x65, 13,
    ];

    /// <summary>The make-up codes common to both colours (1792, 1856, .. 2560), as (code, bits) pairs.</summary>
    private static readonly ushort[] Extended =
    [
        0x8, 11, 0xC, 11, 0xD, 11, 0x12, 12, 0x13, 12, 0x14, 12, 0x15, 12, 0x16, 12,
        0x17, 12, 0x1C, 12, 0x1D, 12, 0x1E, 12, 0x1F, 12,
    ];

    /// <summary>Longest run code word, in bits (black make-up codes).</summary>
    public const int MaxRunCodeBits = 13;

    /// <summary>The end-of-line code word, 0000 0000 0001; two of them end a T.6 stream (EOFB).</summary>
    public const int Eol = 0x001;

    /// <summary>Bits of <see cref="Eol"/>.</summary>
    public const int EolBits = 12;

    /// <summary>Pass mode, 0001.</summary>
    public const int Pass = 0x1;

    /// <summary>Bits of <see cref="Pass"/>.</summary>
    public const int PassBits = 4;

    /// <summary>Horizontal mode, 001.</summary>
    public const int Horizontal = 0x1;

    /// <summary>Bits of <see cref="Horizontal"/>.</summary>
    public const int HorizontalBits = 3;

    /// <summary>
    /// Vertical modes by <c>d + 3</c>, where <c>d = b1 - a1</c>: VR3, VR2, VR1, V0, VL1, VL2, VL3, as code | bits &lt;&lt; 8.
    /// </summary>
    public static ReadOnlySpan<ushort> Vertical => [0x03 | (7 << 8), 0x03 | (6 << 8), 0x03 | (3 << 8), 0x1 | (1 << 8), 0x02 | (3 << 8), 0x02 | (6 << 8), 0x02 | (7 << 8)];

    /// <summary>Code words (value | bits &lt;&lt; 16) by run for 0..63, then by <c>63 + run / 64</c> for make-ups up to 2560.</summary>
    public static readonly int[] WhiteEncode = BuildEncode(0);

    /// <summary>As <see cref="WhiteEncode"/>, black.</summary>
    public static readonly int[] BlackEncode = BuildEncode(1);

    /// <summary>
    /// Decoding tables indexed by the next 13 bits: run | bits &lt;&lt; 16 for a valid code, 0 for none. Runs of 64
    /// and more are make-ups (another code follows).
    /// </summary>
    public static readonly int[] WhiteDecode = BuildDecode(0);

    /// <summary>As <see cref="WhiteDecode"/>, black.</summary>
    public static readonly int[] BlackDecode = BuildDecode(1);

    /// <summary>
    /// Every run code word of one colour (0 white, 1 black): terminating codes in run order (0..63), make-up codes
    /// (64..1728), then the make-up codes both colours share (1792..2560). The one list every CCITT table is built from.
    /// </summary>
    public static IEnumerable<(int Code, int Bits, int Run)> RunCodes(int colour)
    {
        ushort[] codes = colour == 0 ? White : Black;
        for (int i = 0; i < 64 + 27; i++)
        {
            yield return (codes[2 * i], codes[(2 * i) + 1], i < 64 ? i : (i - 63) * 64);
        }

        for (int i = 0; i < 13; i++)
        {
            yield return (Extended[2 * i], Extended[(2 * i) + 1], 1792 + (i * 64));
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> at every index of <paramref name="table"/> (indexed by the next
    /// <paramref name="tableBits"/> bits) that starts with the <paramref name="bits"/>-bit <paramref name="code"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The code overlaps one already in the table (not a prefix code).</exception>
    public static void Fill(int[] table, int tableBits, int code, int bits, int value)
    {
        int free = tableBits - bits;
        int first = code << free;
        for (int rest = 0; rest < (1 << free); rest++)
        {
            if (table[first + rest] != 0)
            {
                throw new InvalidOperationException($"CCITT code {Convert.ToString(code, 2).PadLeft(bits, '0')} overlaps another code.");
            }

            table[first + rest] = value;
        }
    }

    private static int[] BuildEncode(int colour)
    {
        var table = new int[64 + 40];
        foreach ((int code, int bits, int run) in RunCodes(colour))
        {
            table[run < 64 ? run : 63 + (run / 64)] = code | (bits << 16);
        }

        return table;
    }

    private static int[] BuildDecode(int colour)
    {
        var table = new int[1 << MaxRunCodeBits];
        foreach ((int code, int bits, int run) in RunCodes(colour))
        {
            Fill(table, MaxRunCodeBits, code, bits, run | (bits << 16));
        }

        return table;
    }
}
