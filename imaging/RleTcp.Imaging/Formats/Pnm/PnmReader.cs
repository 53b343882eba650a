using System.Buffers;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads every Netpbm file (P1..P6) itself, exactly as Pillow 9.4's PpmImagePlugin does, so none reaches ImageSharp
/// (2.1.13 reads "P1 8 1 00000000" as one number, skips whitespace-valued first samples of P5/P6 as header, and fills
/// truncated rasters). The rules it follows, from the plugin:
/// <list type="bullet">
/// <item>The magic is P1..P6 followed by a whitespace byte. Header tokens are up to 10 bytes, separated by whitespace
/// (space, tab, LF, VT, FF, CR); a <c>#</c> comment runs to CR, LF or the end and does not end a token; the single
/// whitespace byte that ends the last token (height for P1/P4, maxval otherwise) ends the header, so a raster whose first
/// samples are whitespace-valued bytes is read from its first byte.</item>
/// <item>maxval must be 1..65535. PGM with maxval over 255 opens as mode "I" (samples scaled to 0..65535), which
/// <c>convert('1')</c> clips to 0..255 before dithering; any other maxval scales to <c>round(v / maxval * 255)</c>
/// (float division, halves to even).</item>
/// <item>P4/P5/P6: every byte of the raster must be present. P1: each <c>0</c>/<c>1</c> byte is one pixel, whitespace
/// between them optional, any other byte refused. P2/P3: whitespace-separated decimal tokens (Python's <c>int</c>),
/// none over maxval or longer than 10 bytes; comments allowed anywhere. Too few pixels: refused.</item>
/// </list>
/// The header (and the token rules) is read by <see cref="PnmHeader"/>, the plain P1..P3 rasters by
/// <see cref="PnmPlainReader"/>, the raw ones here. Rows go straight to <see cref="BilevelRowWriter"/>; nothing is
/// allocated per row or pixel.
/// </summary>
internal static class PnmReader
{
    /// <summary>Decodes a P1..P6 file (ImageSharp's detector has recognised the magic).</summary>
    public static BitImage Decode(ReadOnlySpan<byte> data, IntakeOptions options, CancellationToken ct)
    {
        PnmHeader header = PnmHeader.Read(data);
        long width = header.Width, height = header.Height;
        int maxval = header.Maxval;
        bool plain = header.Plain;
        PillowMode kind = header.Mode;
        int pos = header.RasterOffset;
        ImageIntake.CheckSize((int)Math.Clamp(width, int.MinValue, int.MaxValue), (int)Math.Clamp(height, int.MinValue, int.MaxValue), options);
        ReadOnlySpan<byte> raster = data[pos..];
        int w = (int)width, h = (int)height;
        BitImage image = BitImage.CreatePooled(w, h);
        try
        {
            if (kind == PillowMode.Bilevel)
            {
                if (plain)
                {
                    PnmPlainReader.ReadBitmap(raster, image, ct);
                }
                else
                {
                    ReadRawBitmap(raster, image, ct);
                }

                return image;
            }

            // Mode "I" (PGM, maxval > 255) scales to 0..65535 and convert('1') clips that to 255; else to 0..255.
            bool modeI = kind == PillowMode.Grey && maxval > 255;
            int bands = kind == PillowMode.Colour ? 3 : 1;
            byte[] map = ArrayPool<byte>.Shared.Rent(maxval < 256 ? 256 : 65536);
            // Grey samples go straight into the writer's row; only RGB needs a row of its own before the luma.
            byte[] rgb = bands == 1 ? [] : ArrayPool<byte>.Shared.Rent(w * bands);
            try
            {
                int outMax = modeI ? 65535 : 255;
                for (int v = 0; v < (maxval < 256 ? 256 : 65536); v++)
                {
                    // Math.Round halves to even, as Python 3's round; the double operations are the same IEEE ones.
                    double scaled = Math.Min(outMax, Math.Round(v / (double)maxval * outMax));
                    map[v] = (byte)Math.Min(255, scaled);
                }

                bool dither = options.Mode == ConversionMode.Pillow;
                using var writer = new BilevelRowWriter(image, dither, options.Level);
                Span<byte> samples = rgb.AsSpan(0, bands == 1 ? 0 : w * bands);
                if (plain)
                {
                    PnmPlainReader.ReadSamples(raster, maxval, modeI, map, samples, writer, h, bands, ct);
                }
                else
                {
                    ReadRawSamples(raster, maxval, map, samples, writer, h, bands, ct);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(map);
                if (rgb.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(rgb);
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

    /// <summary>
    /// Where the next row's samples go: grey (1 band) straight into the writer's row (<see cref="BilevelRowWriter.NextRow"/>),
    /// RGB (3 bands) into <paramref name="rgb"/>. Fetch it again after each <see cref="CommitRow"/>.
    /// </summary>
    internal static Span<byte> RowTarget(BilevelRowWriter writer, Span<byte> rgb, int bands) => bands == 1 ? writer.NextRow() : rgb;

    /// <summary>Hands row <paramref name="y"/>, filled into <see cref="RowTarget"/>, to the writer.</summary>
    internal static void CommitRow(BilevelRowWriter writer, int y, ReadOnlySpan<byte> rgb, int bands)
    {
        if (bands == 1)
        {
            writer.Commit(y);
        }
        else
        {
            writer.WriteRgb(y, rgb, 3);
        }
    }

    private static void ReadRawBitmap(ReadOnlySpan<byte> raster, BitImage image, CancellationToken ct)
    {
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        long needed = (long)rowBytes * image.Height;
        if (raster.Length < needed)
        {
            throw ImageIntakeException.Invalid($"The PBM raster is truncated: {needed} bytes needed after the header, {raster.Length} present.");
        }

        for (int y = 0; y < image.Height; y++)
        {
            ct.ThrowIfCancellationRequested();
            image.SetRow(y, raster.Slice(y * rowBytes, rowBytes), BitOrder.MsbFirst, invert: true); // a set bit is black
        }
    }

    private static void ReadRawSamples(
        ReadOnlySpan<byte> raster, int maxval, byte[] map, Span<byte> rgb, BilevelRowWriter writer, int height, int bands, CancellationToken ct)
    {
        int sampleBytes = maxval < 256 ? 1 : 2;
        int rowBytes = writer.Width * bands * sampleBytes;
        long needed = (long)rowBytes * height;
        if (raster.Length < needed)
        {
            throw ImageIntakeException.Invalid(
                $"The Netpbm raster is truncated: {needed} bytes needed after the header, {raster.Length} present (Pillow refuses it).");
        }

        for (int y = 0; y < height; y++)
        {
            ct.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> source = raster.Slice(y * rowBytes, rowBytes);
            Span<byte> samples = RowTarget(writer, rgb, bands);
            if (sampleBytes == 1)
            {
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = map[source[i]];
                }
            }
            else
            {
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = map[(source[2 * i] << 8) | source[(2 * i) + 1]];
                }
            }

            CommitRow(writer, y, rgb, bands);
        }
    }
}
