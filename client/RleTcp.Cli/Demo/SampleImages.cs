using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Cli.Demo;

/// <summary>One generated input: its file bytes, and the exact 1-bit picture when the file is bilevel.</summary>
internal sealed record SampleImage(string Name, string FileName, string Description, byte[] File, BitImage? Bilevel);

/// <summary>
/// The demo's pictures, drawn by code so the demo needs nothing downloaded: line art (PNG), a text-like page
/// (BMP), a grey gradient the server has to dither (8-bit PNG) and a pre-dithered halftone (PBM).
/// Every one is the same on every run.
/// </summary>
internal static class SampleImages
{
    public static IReadOnlyList<SampleImage> All() => [LineArt(), TextPage(), GreyGradient(), Halftone()];

    private static SampleImage LineArt()
    {
        var canvas = new BitCanvas(new BitImage(800, 600));
        canvas.Image.Fill(white: true);
        canvas.Frame(10, 10, 780, 580, 4, white: false);
        for (int r = 40; r <= 240; r += 40)
        {
            canvas.Ring(260, 300, r, 3, white: false);
        }

        for (int i = 0; i <= 10; i++)
        {
            canvas.Line(520, 60 + (i * 48), 770, 540 - (i * 48), 2, white: false);
        }

        canvas.FillRectangle(540, 250, 200, 100, white: false);
        canvas.FillRectangle(560, 270, 160, 60, white: true);
        return new SampleImage("line-art", "line-art.png", "rings, lines and boxes (1-bit PNG)", RleImageFiles.ToImageFile(canvas.Image, DecodedImageFormat.Png), canvas.Image);
    }

    /// <summary>Paragraphs of "words" made of 26 made-up 5x7 glyphs: it compresses like a scanned page of text.</summary>
    private static SampleImage TextPage()
    {
        const int width = 1275, height = 1650, margin = 110, scale = 2, advance = 6 * scale, lineHeight = 11 * scale;
        var random = new Random(2015);
        bool[][] glyphs = Enumerable.Range(0, 26).Select(_ => Enumerable.Range(0, 35).Select(_ => random.Next(100) < 45).ToArray()).ToArray();
        var canvas = new BitCanvas(new BitImage(width, height));
        canvas.Image.Fill(white: true);
        int y = margin;
        while (y + lineHeight < height - margin)
        {
            int lines = random.Next(4, 10);
            for (int line = 0; line < lines && y + lineHeight < height - margin; line++, y += lineHeight)
            {
                int x = margin + (line == 0 ? 4 * advance : 0);
                int end = line == lines - 1 ? margin + random.Next(200, width - (2 * margin)) : width - margin;
                while (true)
                {
                    int letters = random.Next(2, 10);
                    if (x + (letters * advance) > end)
                    {
                        break;
                    }

                    for (int c = 0; c < letters; c++, x += advance)
                    {
                        DrawGlyph(canvas, glyphs[random.Next(26)], x, y, scale);
                    }

                    x += advance;
                }
            }

            y += lineHeight; // paragraph gap
        }

        return new SampleImage("text-page", "text-page.bmp", "a text-like page, 150 dpi letter (1-bit BMP)", RleImageFiles.ToImageFile(canvas.Image, DecodedImageFormat.Bmp), canvas.Image);
    }

    /// <summary>Grey levels, not bits: the server converts it with Floyd-Steinberg dithering, as Pillow's convert('1') does.</summary>
    private static SampleImage GreyGradient()
    {
        using var image = new Image<L8>(512, 256);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double wave = 24 * Math.Sin(y / 20.0);
                image[x, y] = new L8((byte)Math.Clamp((x * 255.0 / (image.Width - 1)) + wave, 0, 255));
            }
        }

        using var file = new MemoryStream();
        image.SaveAsPng(file);
        return new SampleImage("grey-gradient", "grey-gradient.png", "8-bit grey gradient, dithered by the server (PNG)", file.ToArray(), null);
    }

    /// <summary>A radial gradient already dithered to 1 bit with a 4x4 Bayer matrix.</summary>
    private static SampleImage Halftone()
    {
        int[] bayer = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
        var image = new BitImage(333, 222);
        double maxDistance = Math.Sqrt((166.0 * 166) + (111.0 * 111));
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double level = Math.Sqrt(((x - 166.0) * (x - 166.0)) + ((y - 111.0) * (y - 111.0))) / maxDistance * 16;
                image[x, y] = level > bayer[((y & 3) * 4) + (x & 3)];
            }
        }

        return new SampleImage("halftone", "halftone.pbm", "radial halftone, 4x4 Bayer dither (binary PBM)", RleImageFiles.ToImageFile(image, DecodedImageFormat.Pbm), image);
    }

    private static void DrawGlyph(BitCanvas canvas, bool[] glyph, int x, int y, int scale)
    {
        for (int row = 0; row < 7; row++)
        {
            for (int column = 0; column < 5; column++)
            {
                if (glyph[(row * 5) + column])
                {
                    canvas.FillRectangle(x + (column * scale), y + (row * scale), scale, scale, white: false);
                }
            }
        }
    }
}
