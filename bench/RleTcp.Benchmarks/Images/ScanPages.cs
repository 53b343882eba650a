using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Images;

/// <summary>
/// Scan-like grey and colour pages for the intake rows of issue 14 (what scanners and cameras send): paper with
/// noise, lines of text, a photo-like gradient. Deterministic (fixed seeds, ImageSharp 2.1.13's pinned encoders),
/// so the same files come out on every run.
/// </summary>
public static class ScanPages
{
    /// <summary>The files <c>scans DIR</c> writes, in the order of the PERFORMANCE.md rows.</summary>
    public static readonly (string Name, int Width, int Height, ScanEncoding Encoding)[] Files =
    [
        ("scan-grey.png", 2550, 3300, ScanEncoding.GreyPng),
        ("scan-grey-q85.jpg", 2550, 3300, ScanEncoding.GreyJpeg),
        ("scan-rgb-q85-420.jpg", 2550, 3300, ScanEncoding.RgbJpeg420),
        ("scan-rgb-q85-444.jpg", 2550, 3300, ScanEncoding.RgbJpeg444),
        ("scan-rgb.png", 2550, 3300, ScanEncoding.RgbPng),
        ("big-grey.png", 7200, 5600, ScanEncoding.GreyPng),
    ];

    /// <summary>The page encoded as asked.</summary>
    public static byte[] Encode(int width, int height, ScanEncoding encoding)
    {
        using var stream = new MemoryStream();
        if (encoding is ScanEncoding.GreyPng or ScanEncoding.GreyJpeg)
        {
            using Image<L8> grey = Grey(width, height);
            if (encoding == ScanEncoding.GreyPng)
            {
                grey.Save(stream, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
            }
            else
            {
                grey.Save(stream, new JpegEncoder { Quality = 85, ColorType = JpegColorType.Luminance });
            }
        }
        else
        {
            using Image<Rgb24> colour = Colour(width, height);
            if (encoding == ScanEncoding.RgbPng)
            {
                colour.Save(stream, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 });
            }
            else
            {
                JpegColorType chroma = encoding == ScanEncoding.RgbJpeg420 ? JpegColorType.YCbCrRatio420 : JpegColorType.YCbCrRatio444;
                colour.Save(stream, new JpegEncoder { Quality = 85, ColorType = chroma });
            }
        }

        return stream.ToArray();
    }

    /// <summary>The grey page: paper near 232 with noise, dark text lines, a gradient block in the lower third.</summary>
    public static Image<L8> Grey(int width, int height)
    {
        var image = new Image<L8>(width, height);
        var random = new Random(1403);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8(Level(x, y, width, height, random));
            }
        }

        return image;
    }

    /// <summary>The colour page: the grey page's levels, paper tinted warm, ink dark blue, the gradient in colour.</summary>
    public static Image<Rgb24> Colour(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        var random = new Random(1403);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int l = Level(x, y, width, height, random);
                bool photo = InPhoto(x, y, width, height);
                image[x, y] = photo
                    ? new Rgb24((byte)l, (byte)(255 - l), (byte)((x * 255 / width + l) / 2))
                    : new Rgb24(Clip(l + 6), Clip(l + 2), Clip(l < 128 ? l + 40 : l - 10));
            }
        }

        return image;
    }

    private static bool InPhoto(int x, int y, int width, int height) =>
        y > height * 2 / 3 && y < height * 9 / 10 && x > width / 10 && x < width * 6 / 10;

    private static byte Level(int x, int y, int width, int height, Random random)
    {
        int noise = random.Next(-12, 13);
        if (InPhoto(x, y, width, height))
        {
            // A smooth two-way gradient: long error chains for the dither, smooth areas for the JPEG.
            return Clip((x * 200 / width) + (y * 100 / height) - 20 + noise);
        }

        // Text lines of 40 px every 64 px in the top two thirds, "glyphs" of varying width with gaps between words.
        int line = y % 64, column = x % 37;
        bool text = y < height * 2 / 3 && y > 150 && x > 150 && x < width - 150 && line > 10 && line < 50
            && column > 4 && ((x / 37) * 7 + (y / 64) * 3) % 11 != 0 && (column < 9 || line < 16 || line > 44 || column > 30);
        return Clip((text ? 40 : 232) + noise);
    }

    private static byte Clip(int v) => (byte)Math.Clamp(v, 0, 255);
}

/// <summary>How a scan page is stored.</summary>
public enum ScanEncoding
{
    /// <summary>8-bit grey PNG.</summary>
    GreyPng,

    /// <summary>Grey JPEG, quality 85.</summary>
    GreyJpeg,

    /// <summary>YCbCr JPEG 4:2:0, quality 85.</summary>
    RgbJpeg420,

    /// <summary>YCbCr JPEG 4:4:4, quality 85.</summary>
    RgbJpeg444,

    /// <summary>8-bit RGB PNG.</summary>
    RgbPng,
}
