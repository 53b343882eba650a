using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// WebP-in-TIFF (compression 50001) as libtiff's <c>tif_webp.c</c> stores it: each strip or tile is a whole WebP
/// file of the chunk's size, decoded to RGB or RGBA samples. Decoded by ImageSharp's WebP decoder, so it runs only
/// where library decoders run (the decode worker); its size is checked before it is decoded.
/// </summary>
internal static class TiffWebp
{
    /// <summary>Whether the page is one libtiff's WebP codec writes: 8-bit RGB or RGBA, one plane.</summary>
    public static bool Reads(TiffHeader h) =>
        h.Compression == 50001 && h.Photometric == 2 && h.BitsPerSample == 8 && h.SamplesPerPixel is 3 or 4 && h.PlanarConfiguration == 1;

    /// <summary>Decodes one chunk into <paramref name="output"/> (rows of <paramref name="width"/> pixels); returns the bytes written.</summary>
    public static int Decode(ReadOnlySpan<byte> stored, int width, int rows, int fullRows, int samples, Span<byte> output)
    {
        Configuration configuration = ImageSharpConfigurations.For(ImageFormats.Webp);
        byte[] copy = stored.ToArray();
        IImageInfo? info;
        using (var stream = new MemoryStream(copy, writable: false))
        {
            info = Image.Identify(configuration, stream);
        }

        if (info is null || info.Width != width || (info.Height != rows && info.Height != fullRows))
        {
            throw ImageIntakeException.Invalid(
                $"A WebP strip of the TIFF is {info?.Width ?? 0}x{info?.Height ?? 0}; the strip is {width}x{rows}.");
        }

        using Image<Rgba32> image = Image.Load<Rgba32>(configuration, copy);
        int written = 0;
        for (int y = 0; y < rows; y++)
        {
            Span<Rgba32> row = image.DangerousGetPixelRowMemory(y).Span;
            for (int x = 0; x < width; x++, written += samples)
            {
                Rgba32 p = row[x];
                output[written] = p.R;
                output[written + 1] = p.G;
                output[written + 2] = p.B;
                if (samples == 4)
                {
                    output[written + 3] = p.A;
                }
            }
        }

        return written;
    }
}
