using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// Decodes one tiny image of each library format before a worker says it is ready, so the just-in-time compilation
/// of the decoders is paid while the worker is a spare, not by the first request it serves (a replacement's first
/// request after a kill is then answered in milliseconds, not in the hundreds a cold decoder costs).
/// </summary>
internal static class DecodeWorkerWarmUp
{
    public static void Run()
    {
        using var image = new Image<Rgb24>(16, 16);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x * 16), (byte)(y * 16), (byte)(x * y));
                }
            }
        });

        IImageEncoder[] encoders =
        [
            new PngEncoder { ColorType = PngColorType.Rgb },
            new PngEncoder { ColorType = PngColorType.Grayscale },
            new GifEncoder(),
            new JpegEncoder(),
            new WebpEncoder { FileFormat = WebpFileFormatType.Lossy },
            new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
            new TgaEncoder(),
            new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
        ];
        foreach (IImageEncoder encoder in encoders)
        {
            using var file = new MemoryStream();
            image.Save(file, encoder);
            try
            {
                using var bits = InProcessLibraryDecoder.Instance.Decode(file.ToArray(), IntakeOptions.Default, CancellationToken.None);
            }
            catch (ImageIntakeException)
            {
                // A format switched off elsewhere, or one our reader refuses: warming is best effort.
            }
        }
    }
}
