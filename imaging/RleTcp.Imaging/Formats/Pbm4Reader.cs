using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads a binary PBM (P4) straight into packed rows: a header of whitespace-separated tokens with <c>#</c>
/// comments, one whitespace byte, then rows of <c>ceil(width / 8)</c> bytes in which a set bit is black.
/// </summary>
internal static class Pbm4Reader
{
    /// <summary>The image, or null when the file is not a P4 PBM.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, CancellationToken ct)
    {
        if (data.Length < 2 || data[0] != 'P' || data[1] != '4')
        {
            return null;
        }

        int pos = 2;
        int width = ReadNumber(data, ref pos);
        int height = ReadNumber(data, ref pos);
        if (pos >= data.Length || !IsWhitespace(data[pos]))
        {
            throw ImageIntakeException.Invalid("The PBM header does not end with whitespace.");
        }

        pos++;
        int rowBytes = BitImage.BytesPerPackedRow(width);
        if (pos + ((long)rowBytes * height) > data.Length)
        {
            throw ImageIntakeException.Invalid($"The PBM raster is truncated: {(long)rowBytes * height} bytes needed after the header.");
        }

        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                image.SetRow(y, data.Slice(pos + (y * rowBytes), rowBytes), BitOrder.MsbFirst, invert: true);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static int ReadNumber(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length && (IsWhitespace(data[pos]) || data[pos] == '#'))
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

        long value = 0;
        int start = pos;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9')
        {
            value = (value * 10) + (data[pos++] - '0');
            if (value > BitImage.MaxDimension)
            {
                throw ImageIntakeException.TooLarge("The PBM header declares a side over 65535 pixels.");
            }
        }

        if (pos == start || value == 0)
        {
            throw ImageIntakeException.Invalid("The PBM header has no valid width or height.");
        }

        return (int)value;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
