using System.Buffers;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// JPEG-in-TIFF (compression 7) as Pillow 9.4 reads it through libtiff's <c>tif_jpeg.c</c> with JPEGCOLORMODE RGB:
/// each strip or tile is a JPEG stream that shares the JPEGTables (tag 347); libjpeg(-turbo) decodes it, converting
/// YCbCr to RGB with its default (fancy) upsampling, and leaving RGB and grey samples as stored. Here each chunk is
/// made a standalone JPEG (the tables without their EOI, then the chunk without its SOI) and decoded by the same
/// libjpeg-turbo through <see cref="TurboJpegReader"/>: native code, so only where library decoders run (the decode
/// worker). Its size is bounded by the chunk's before anything is decoded.
/// </summary>
internal static class TiffJpeg
{
    // TJSAMP_*: the frame's chroma subsampling as TurboJPEG names it (4:4:4, 4:2:0, grey).
    private const int Samp444 = 0, Samp420 = 2, SampGrey = 3;

    /// <summary>
    /// Whether the page is one this reader decodes as Pillow does: 8-bit, one plane, no extra samples, and YCbCr
    /// (3 samples, YCbCrSubsampling 2x2, what libtiff writes; others are not compared with Pillow and stay with
    /// ImageSharp), RGB (3 samples) or BlackIsZero grey (1 sample).
    /// </summary>
    public static bool Reads(TiffHeader h) =>
        h.Compression == 7 && h.BitsPerSample == 8 && h.FillOrder == 1 && h.SampleFormat == 1 && h.ExtraSamples.Count == 0
        && (h.PlanarConfiguration == 1 || h.SamplesPerPixel == 1)
        && ((h.Photometric == 6 && h.SamplesPerPixel == 3 && h.YCbCrSubsampling == (2, 2))
            || (h.Photometric == 2 && h.SamplesPerPixel == 3)
            || (h.Photometric == 1 && h.SamplesPerPixel == 1));

    /// <summary>The mode Pillow gives the page: "RGB" for YCbCr (JPEGCOLORMODE RGB) and RGB, "L" for grey.</summary>
    public static TiffPixelFormat Format(TiffHeader h) =>
        h.SamplesPerPixel == 3 ? new(TiffSamples.Rgb, false, false, 3) : new(TiffSamples.Grey, false, false, 1);

    /// <summary>
    /// Decodes one chunk (<paramref name="width"/> pixels wide, <paramref name="rows"/> of its
    /// <paramref name="fullRows"/> rows inside the image) into <paramref name="output"/>; returns the bytes written.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> data, TiffHeader h, ReadOnlySpan<byte> stored, int chunk, int width, int rows, int fullRows, Span<byte> output)
    {
        ReadOnlySpan<byte> tables = h.JpegTables.Count == 0
            ? default
            : data.Slice((int)h.JpegTables.Position, (int)h.JpegTables.Count);
        if (stored.Length < 4 || stored[0] != 0xFF || stored[1] != 0xD8
            || (!tables.IsEmpty && (tables.Length < 4 || tables[0] != 0xFF || tables[1] != 0xD8 || tables[^2] != 0xFF || tables[^1] != 0xD9)))
        {
            throw ImageIntakeException.Invalid($"JPEG {Chunk(h)} {chunk} of the TIFF (or its JPEGTables) is not a JPEG stream.");
        }

        byte[]? joined = null;
        byte[]? pixels = null;
        try
        {
            ReadOnlySpan<byte> jpeg = stored;
            if (!tables.IsEmpty)
            {
                // One stream: SOI and the tables, then the chunk's frame and scans after its own SOI.
                int length = checked(tables.Length - 2 + stored.Length - 2);
                joined = ArrayPool<byte>.Shared.Rent(length);
                tables[..^2].CopyTo(joined);
                stored[2..].CopyTo(joined.AsSpan(tables.Length - 2));
                jpeg = joined.AsSpan(0, length);
            }

            pixels = TurboJpegReader.TryDecodePixels(
                jpeg, (long)width * fullRows, out int w, out int ht, out int bytesPerPixel, out int subsampling, out int space);
            if (pixels is null)
            {
                throw ImageIntakeException.Invalid($"JPEG {Chunk(h)} {chunk} of the TIFF is corrupt, truncated or larger than the {Chunk(h)}.");
            }

            int samples = h.SamplesPerPixel;
            bool matches = h.Photometric switch
            {
                // libtiff forces YCbCr for photometric 6 and checks the sampling factors against the tag; for RGB
                // and grey it suppresses colour conversion, which equals TurboJPEG's only for RGB and grey frames.
                6 => space == TurboJpeg.ColourSpaceYCbCr && subsampling == Samp420,
                2 => space == TurboJpeg.ColourSpaceRgb && subsampling == Samp444,
                _ => space == TurboJpeg.ColourSpaceGrey && subsampling == SampGrey,
            };
            if (!matches || bytesPerPixel != samples || w != width || ht < rows || ht > fullRows)
            {
                throw ImageIntakeException.Invalid(
                    $"JPEG {Chunk(h)} {chunk} of the TIFF is {w}x{ht} (colour space {space}, subsampling {subsampling}); the {Chunk(h)} is {width}x{rows} with photometric {h.Photometric}.");
            }

            int bytes = width * samples * rows;
            pixels.AsSpan(0, bytes).CopyTo(output);
            return bytes;
        }
        finally
        {
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }

            if (pixels is not null)
            {
                ArrayPool<byte>.Shared.Return(pixels);
            }
        }
    }

    private static string Chunk(TiffHeader h) => h.IsTiled ? "tile" : "strip";
}
