using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads an uncompressed 1-bit BMP straight into packed rows: each palette entry is white or black by Pillow's
/// luma rule (so black/white, inverted and two-colour palettes all map exactly), rows bottom-up or top-down,
/// stride padded to 4 bytes.
/// </summary>
internal static class Bmp1BitReader
{
    /// <summary>The image, or null when the file is not an uncompressed two-colour 1-bit BMP.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, BmpHeader header, CancellationToken ct)
    {
        if (header.BitsPerPixel != 1 || header.Compression != 0 || header.Colors != 2 || header.Width <= 0 || header.Height == 0)
        {
            return null;
        }

        int width = header.Width;
        int height = Math.Abs(header.Height);
        long stride = ((width + 31L) / 32) * 4;
        // BmpHeader.Read has checked that every row lies inside the payload.
        (byte r0, byte g0, byte b0) = header.PaletteColor(data, 0);
        (byte r1, byte g1, byte b1) = header.PaletteColor(data, 1);
        bool white0 = PillowBilevel.Luma1000(r0, g0, b0) >= 128_000;
        bool white1 = PillowBilevel.Luma1000(r1, g1, b1) >= 128_000;

        BitImage image = BitImage.CreatePooled(width, height);
        if (white0 == white1)
        {
            image.Fill(white0);
            return image;
        }

        try
        {
            ReadOnlySpan<byte> pixels = data[header.PixelOffset..];
            bool bottomUp = header.Height > 0;
            for (int y = 0; y < height; y++)
            {
                ct.ThrowIfCancellationRequested();
                int source = bottomUp ? height - 1 - y : y;

                // A set bit is palette entry 1: white unless the palette is inverted.
                image.SetRow(y, pixels.Slice((int)(source * stride), (int)stride), BitOrder.MsbFirst, invert: white0);
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
