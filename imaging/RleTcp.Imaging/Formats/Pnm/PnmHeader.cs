namespace RleTcp.Imaging.Formats;

/// <summary>
/// A Netpbm header (P1..P6) read as Pillow 9.4's PpmImagePlugin reads it, and its token rules: the one place that
/// says which headers are read and the mode the file opens in, for <see cref="PnmReader"/> and for protocol v2's INFO
/// (<see cref="ImageHeaderInfo"/>). The rules are on <see cref="PnmReader"/>.
/// </summary>
/// <param name="Magic">1..6 (P1..P6).</param>
/// <param name="Width">Width as declared (any Python int up to 10 bytes; checked by the reader).</param>
/// <param name="Height">Height as declared.</param>
/// <param name="Maxval">1..65535; 1 for P1/P4.</param>
/// <param name="RasterOffset">The first raster byte: just after the one whitespace byte that ends the header.</param>
internal readonly record struct PnmHeader(int Magic, long Width, long Height, int Maxval, int RasterOffset)
{
    /// <summary>P1..P3: ASCII samples.</summary>
    public bool Plain => Magic <= 3;

    /// <summary>"1" for PBM, "L" (or "I", clipped on the way to "L") for PGM, "RGB" for PPM.</summary>
    public PillowMode Mode => (Magic % 3) switch { 1 => PillowMode.Bilevel, 2 => PillowMode.Grey, _ => PillowMode.Colour };

    /// <summary>Reads the header of <paramref name="data"/>.</summary>
    /// <exception cref="ImageIntakeException">Not P1..P6 and whitespace, a token Pillow refuses, or maxval outside 1..65535.</exception>
    public static PnmHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 3 || data[0] != 'P' || data[1] is < (byte)'1' or > (byte)'6' || !IsWhitespace(data[2]))
        {
            throw ImageIntakeException.Invalid("The file is not a Netpbm image: its magic is not P1..P6 followed by whitespace.");
        }

        int magic = data[1] - '0';
        int pos = 3;
        long width = ReadHeaderNumber(data, ref pos, "width");
        long height = ReadHeaderNumber(data, ref pos, "height");
        int maxval = 1;
        if (magic % 3 != 1)
        {
            long declared = ReadHeaderNumber(data, ref pos, "maxval");
            if (declared is <= 0 or >= 65536)
            {
                throw ImageIntakeException.Invalid($"The Netpbm maxval {declared} is outside 1..65535.");
            }

            maxval = (int)declared;
        }

        return new PnmHeader(magic, width, height, maxval, pos);
    }

    /// <summary>The index of the CR or LF that ends the comment starting at <paramref name="at"/>, or the last index.</summary>
    internal static int CommentEnd(ReadOnlySpan<byte> data, int at)
    {
        int end = data[at..].IndexOfAny((byte)'\n', (byte)'\r');
        return end < 0 ? data.Length - 1 : at + end;
    }

    /// <summary>One header token as Pillow's <c>_read_token</c> reads it, leaving <paramref name="pos"/> after the
    /// single whitespace byte that ends it.</summary>
    private static long ReadHeaderNumber(ReadOnlySpan<byte> data, ref int pos, string what)
    {
        Span<byte> token = stackalloc byte[11];
        int length = 0;
        while (length <= 10)
        {
            if (pos >= data.Length)
            {
                break;
            }

            byte b = data[pos++];
            if (IsWhitespace(b))
            {
                if (length == 0)
                {
                    continue;
                }

                break;
            }

            if (b == '#')
            {
                // Up to and including the CR or LF (or the end); the token goes on after it.
                while (pos < data.Length && data[pos++] is not ((byte)'\r' or (byte)'\n'))
                {
                }

                continue;
            }

            token[length++] = b;
        }

        if (length == 0)
        {
            throw ImageIntakeException.Invalid($"The Netpbm header ends before its {what}.");
        }

        if (length > 10)
        {
            throw ImageIntakeException.Invalid($"The Netpbm header's {what} is longer than 10 bytes.");
        }

        return ParsePythonInt(token[..length])
            ?? throw ImageIntakeException.Invalid($"The Netpbm header's {what} is not a number.");
    }

    /// <summary>
    /// Python's <c>int(bytes)</c> for a token without whitespace: an optional sign, then decimal digits, single
    /// underscores allowed between digits; null for anything else. At most 10 bytes, so it fits a long.
    /// </summary>
    internal static long? ParsePythonInt(ReadOnlySpan<byte> token)
    {
        int i = 0;
        bool negative = false;
        if (token.Length > 0 && token[0] is (byte)'+' or (byte)'-')
        {
            negative = token[0] == '-';
            i = 1;
        }

        if (i == token.Length)
        {
            return null;
        }

        long value = 0;
        bool lastWasDigit = false;
        for (; i < token.Length; i++)
        {
            byte b = token[i];
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                value = (value * 10) + (b - '0');
                lastWasDigit = true;
            }
            else if (b == '_' && lastWasDigit && i + 1 < token.Length)
            {
                lastWasDigit = false;
            }
            else
            {
                return null;
            }
        }

        return lastWasDigit ? (negative ? -value : value) : null;
    }

    internal static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
