namespace RleTcp.Protocol.Codecs.G4;

/// <summary>
/// Lookup tables for a T.4/T.6 reader that also meets end-of-line codes (the TIFF intake's libtiff-like decoder):
/// the run codes of <see cref="CcittCodes"/> plus EOL, and the two-dimensional mode codes, indexed by the next 13 (or
/// 7) bits.
/// </summary>
internal static class CcittLookupTables
{
    /// <summary>Bits looked at to decode one run code (the longest code, black make-up, has 13).</summary>
    public const int RunBits = CcittCodes.MaxRunCodeBits;

    /// <summary>Bits looked at to decode one 2D mode code (the longest, VR3/VL3, has 7).</summary>
    public const int ModeBits = 7;

    /// <summary>The run of an end-of-line code (000000000001) in the run tables.</summary>
    public const int EndOfLine = -2;

    /// <summary>Modes of two-dimensional coding.</summary>
    public const int Pass = 100, Horizontal = 101, Extension = 102;

    /// <summary>Per colour (0 white, 1 black), indexed by the next 13 bits: (code length &lt;&lt; 16) | (run + 2),
    /// 0 where no code matches. Runs are 0..2560, or <see cref="EndOfLine"/>.</summary>
    public static readonly int[][] Runs = [Build(0), Build(1)];

    /// <summary>Indexed by the next 7 bits: (length &lt;&lt; 16) | (mode + 8), 0 where none matches; a mode is
    /// <see cref="Pass"/>, <see cref="Horizontal"/>, <see cref="Extension"/> or a vertical offset -3..3.</summary>
    public static readonly int[] Modes = BuildModes();

    /// <summary>All codes of one colour's table as bit strings, EOL last, for checks that the tables are a prefix code.</summary>
    public static IEnumerable<(string Code, int Run)> CodesOf(int colour)
    {
        foreach ((int code, int bits, int run) in CcittCodes.RunCodes(colour))
        {
            yield return (Convert.ToString(code, 2).PadLeft(bits, '0'), run);
        }

        yield return ("000000000001", EndOfLine);
    }

    private static int[] Build(int colour)
    {
        var table = new int[1 << RunBits];
        foreach ((string code, int run) in CodesOf(colour))
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

    private static void Fill(int[] table, int bits, string code, int value) =>
        CcittCodes.Fill(table, bits, Convert.ToInt32(code, 2), code.Length, (code.Length << 16) | value);
}
