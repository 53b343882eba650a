namespace RleTcp.Imaging.Formats;

/// <summary>
/// PGM/PPM (P2, P3, P5, P6) with a maxval other than 255: Pillow 9.4 rescales every sample to
/// <c>min(255, round(v / maxval * 255))</c> (PpmImagePlugin, Python's float division and round-half-to-even);
/// ImageSharp 2.1.13 keeps 8-bit samples as they are and scales 16-bit ones its own way.
/// </summary>
internal static class PnmSampleMap
{
    /// <summary>
    /// The map from a raw sample to Pillow's 8-bit value, indexed by the sample (every value the file can hold:
    /// 256 entries for maxval below 256, 65536 above), or null when no rescaling is needed (maxval 255, P1/P4, or a
    /// header this does not parse, left to ImageSharp).
    /// </summary>
    public static (byte[] Map, int MaxValue)? For(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != 'P' || data[1] is not ((byte)'2' or (byte)'3' or (byte)'5' or (byte)'6'))
        {
            return null;
        }

        int pos = 2;
        long maxval = 0;
        for (int token = 0; token < 3; token++)
        {
            if (!TryReadNumber(data, ref pos, out maxval))
            {
                return null;
            }
        }

        if (maxval is 255 or <= 0 or > 65535)
        {
            return null;
        }

        var map = new byte[maxval < 256 ? 256 : 65536];
        for (int v = 0; v < map.Length; v++)
        {
            // Math.Round's default is to even, as Python 3's round; the double operations are the same IEEE ones.
            map[v] = (byte)Math.Min(255, Math.Round(v / (double)maxval * 255));
        }

        return (map, (int)maxval);
    }

    /// <summary>
    /// ImageSharp 2.1.13 brightens a maxval other than 255/65535 by the integer <c>255 / maxval</c> (or
    /// <c>65535 / maxval</c>), clamped; dividing by it gives the raw sample back (a clamped one, only possible for a
    /// sample over maxval, still maps to 255 as in Pillow).
    /// </summary>
    public static int ImageSharpFactor(int maxValue) =>
        maxValue is 255 or 65535 ? 1 : Math.Max(1, (maxValue < 256 ? 255 : 65535) / maxValue);

    private static bool TryReadNumber(ReadOnlySpan<byte> data, ref int pos, out long value)
    {
        while (pos < data.Length && (data[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r' || data[pos] == '#'))
        {
            if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r')
                {
                    pos++;
                }
            }
            else
            {
                pos++;
            }
        }

        value = 0;
        int start = pos;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9' && value <= 65535)
        {
            value = (value * 10) + (data[pos++] - '0');
        }

        return pos > start;
    }
}
