namespace RleTcp.Imaging.Formats;

/// <summary>
/// The code tables of ITU-T T.4 (Tables 2, 3 and 4: terminating, make-up and extended make-up run codes) and the
/// two-dimensional mode codes shared by T.4 and T.6, as lookup tables indexed by the next 13 (or 7) bits.
/// </summary>
internal static class CcittCodes
{
    /// <summary>Bits looked at to decode one run code (the longest code, black make-up, has 13).</summary>
    public const int RunBits = 13;

    /// <summary>Bits looked at to decode one 2D mode code (the longest, VR3/VL3, has 7).</summary>
    public const int ModeBits = 7;

    /// <summary>The run of an end-of-line code (000000000001) in the run tables.</summary>
    public const int EndOfLine = -2;

    /// <summary>Modes of two-dimensional coding.</summary>
    public const int Pass = 100, Horizontal = 101, Extension = 102;

    // Terminating codes 0..63 in run order, then make-up codes 64, 128, ..., 1728 (T.4 Tables 2 and 3).
    private const string WhiteCodes =
        "00110101 000111 0111 1000 1011 1100 1110 1111 10011 10100 00111 01000 001000 000011 110100 110101 " +
        "101010 101011 0100111 0001100 0001000 0010111 0000011 0000100 0101000 0101011 0010011 0100100 0011000 " +
        "00000010 00000011 00011010 00011011 00010010 00010011 00010100 00010101 00010110 00010111 00101000 " +
        "00101001 00101010 00101011 00101100 00101101 00000100 00000101 00001010 00001011 01010010 01010011 " +
        "01010100 01010101 00100100 00100101 01011000 01011001 01011010 01011011 01001010 01001011 00110010 " +
        "00110011 00110100 " +
        "11011 10010 010111 0110111 00110110 00110111 01100100 01100101 01101000 01100111 011001100 011001101 " +
        "011010010 011010011 011010100 011010101 011010110 011010111 011011000 011011001 011011010 011011011 " +
        "010011000 010011001 010011010 011000 010011011";

    private const string BlackCodes =
        "0000110111 010 11 10 011 0011 0010 00011 000101 000100 0000100 0000101 0000111 00000100 00000111 " +
        "000011000 0000010111 0000011000 0000001000 00001100111 00001101000 00001101100 00000110111 00000101000 " +
        "00000010111 00000011000 000011001010 000011001011 000011001100 000011001101 000001101000 000001101001 " +
        "000001101010 000001101011 000011010010 000011010011 000011010100 000011010101 000011010110 " +
        "000011010111 000001101100 000001101101 000011011010 000011011011 000001010100 000001010101 " +
        "000001010110 000001010111 000001100100 000001100101 000001010010 000001010011 000000100100 " +
        "000000110111 000000111000 000000100111 000000101000 000001011000 000001011001 000000101011 " +
        "000000101100 000001011010 000001100110 000001100111 " +
        "0000001111 000011001000 000011001001 000001011011 000000110011 000000110100 000000110101 " +
        "0000001101100 0000001101101 0000001001010 0000001001011 0000001001100 0000001001101 0000001110010 " +
        "0000001110011 0000001110100 0000001110101 0000001110110 0000001110111 0000001010010 0000001010011 " +
        "0000001010100 0000001010101 0000001011010 0000001011011 0000001100100 0000001100101";

    // Make-up codes 1792, 1856, ..., 2560, common to both colours (T.4 Table 4).
    private const string ExtendedCodes =
        "00000001000 00000001100 00000001101 000000010010 000000010011 000000010100 000000010101 000000010110 " +
        "000000010111 000000011100 000000011101 000000011110 000000011111";

    /// <summary>Per colour (0 white, 1 black), indexed by the next 13 bits: (code length &lt;&lt; 16) | (run + 2),
    /// 0 where no code matches. Runs are 0..2560, or <see cref="EndOfLine"/>.</summary>
    public static readonly int[][] Runs = [Build(WhiteCodes), Build(BlackCodes)];

    /// <summary>Indexed by the next 7 bits: (length &lt;&lt; 16) | (mode + 8), 0 where none matches; a mode is
    /// <see cref="Pass"/>, <see cref="Horizontal"/>, <see cref="Extension"/> or a vertical offset -3..3.</summary>
    public static readonly int[] Modes = BuildModes();

    /// <summary>All codes of one colour's table, for checks that the tables are a prefix code.</summary>
    public static IEnumerable<(string Code, int Run)> CodesOf(int colour)
    {
        string[] own = (colour == 0 ? WhiteCodes : BlackCodes).Split(' ');
        for (int i = 0; i < own.Length; i++)
        {
            yield return (own[i], i < 64 ? i : (i - 63) * 64);
        }

        string[] extended = ExtendedCodes.Split(' ');
        for (int i = 0; i < extended.Length; i++)
        {
            yield return (extended[i], 1792 + (i * 64));
        }

        yield return ("000000000001", EndOfLine);
    }

    private static int[] Build(string codes)
    {
        var table = new int[1 << RunBits];
        foreach ((string code, int run) in CodesOf(codes == WhiteCodes ? 0 : 1))
        {
            Fill(table, RunBits, code, run + 2);
        }

        return table;
    }

    private static int[] BuildModes()
    {
        var table = new int[1 << ModeBits];
        (string Code, int Mode)[] modes =
        [
            ("1", 0), ("011", 1), ("000011", 2), ("0000011", 3), ("010", -1), ("000010", -2), ("0000010", -3),
            ("0001", Pass), ("001", Horizontal), ("0000001", Extension),
        ];
        foreach ((string code, int mode) in modes)
        {
            Fill(table, ModeBits, code, mode + 8);
        }

        return table;
    }

    private static void Fill(int[] table, int bits, string code, int value)
    {
        int prefix = Convert.ToInt32(code, 2);
        int free = bits - code.Length;
        for (int rest = 0; rest < (1 << free); rest++)
        {
            int index = (prefix << free) | rest;
            if (table[index] != 0)
            {
                throw new InvalidOperationException($"CCITT code {code} overlaps another code.");
            }

            table[index] = (code.Length << 16) | value;
        }
    }
}
