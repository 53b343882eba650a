using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads an uncompressed bilevel TIFF (one sample of one bit, WhiteIsZero or BlackIsZero) straight into packed
/// rows, strip by strip. Besides speed, this covers files ImageSharp 2.1.13 refuses: BitsPerSample may be
/// omitted (the TIFF default is 1), which Pillow accepts and ImageSharp does not.
/// </summary>
internal static class Tiff1BitReader
{
    /// <summary>The image, or null when the file is not an uncompressed 1-bit bilevel TIFF.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, TiffHeader header, CancellationToken ct)
    {
        if (header.Compression != 1 || header.Photometric is not (0 or 1) || header.BitsPerSample != 1
            || header.SamplesPerPixel != 1 || header.FillOrder is not (1 or 2) || header.StripOffsets.Count == 0)
        {
            return null;
        }

        int width = header.Width, height = header.Height;
        int rowBytes = BitImage.BytesPerPackedRow(width);
        long rowsPerStrip = Math.Clamp(header.RowsPerStrip, 1, height);
        long strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        if (header.StripOffsets.Count < strips)
        {
            throw ImageIntakeException.Invalid($"The TIFF has {header.StripOffsets.Count} strips; {strips} are needed.");
        }

        BitOrder order = header.FillOrder == 2 ? BitOrder.LsbFirst : BitOrder.MsbFirst;
        bool invert = header.Photometric == 0; // WhiteIsZero: a set bit is black.
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            for (int strip = 0, y = 0; strip < strips; strip++)
            {
                long offset = header.ArrayValue(data, header.StripOffsets, strip);
                int rows = (int)Math.Min(rowsPerStrip, height - y);
                if (offset < 0 || offset + ((long)rows * rowBytes) > data.Length)
                {
                    throw ImageIntakeException.Invalid($"The TIFF strip {strip} lies outside the payload.");
                }

                for (int r = 0; r < rows; r++, y++)
                {
                    ct.ThrowIfCancellationRequested();
                    image.SetRow(y, data.Slice((int)offset + (r * rowBytes), rowBytes), order, invert);
                }
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }
}
