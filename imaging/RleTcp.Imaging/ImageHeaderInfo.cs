using RleTcp.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;

namespace RleTcp.Imaging;

/// <summary>What an image's header says, read without decoding a pixel (protocol v2's INFO).</summary>
/// <param name="Format">The container format, as ImageSharp names it: "PNG", "BMP", "GIF", "TIFF", "PBM", "TGA", "JPEG", "WEBP".</param>
/// <param name="Width">Width in pixels as the header declares it (not checked against any budget).</param>
/// <param name="Height">Height in pixels as the header declares it.</param>
/// <param name="Mode">The Pillow conversion class of the (first) frame: "1", "P", "L" or "RGB".</param>
/// <param name="Frames">GIF frames or TIFF pages; 1 for other formats.</param>
public sealed record ImageHeaderInfo(string Format, int Width, int Height, string Mode, int Frames)
{
    /// <summary>Reads the header of <paramref name="data"/>.</summary>
    /// <exception cref="ImageIntakeException">Not an image, a format not allowed, or an unreadable header.</exception>
    public static ImageHeaderInfo Read(ReadOnlyMemory<byte> data, ImageFormats allowed)
    {
        ReadOnlySpan<byte> bytes = data.Span;
        if (bytes.IsEmpty)
        {
            throw ImageIntakeException.Invalid("The payload is empty.");
        }

        Configuration configuration = ImageSharpConfigurations.For(allowed);
        IImageFormat format = ImageIntake.DetectFormat(configuration, bytes, allowed, out bool dib);
        try
        {
            // Each format our readers take says its size and mode in one place, its header type, which the reader
            // decodes by too: INFO cannot disagree with what COMPRESS does.
            switch (format)
            {
                case PngFormat:
                    PngHeader png = PngHeader.Read(bytes) ?? throw ImageIntakeException.Invalid("The PNG file does not start with a signature and an IHDR chunk.");
                    return new ImageHeaderInfo(format.Name, png.Width, png.Height, ModeName(png.PillowMode), 1);
                case PbmFormat:
                    PnmHeader pnm = PnmHeader.Read(bytes);
                    return new ImageHeaderInfo(format.Name, Side(pnm.Width), Side(pnm.Height), ModeName(pnm.Mode), 1);
                case GifFormat:
                    GifHeader gif = GifHeader.Read(bytes);
                    return new ImageHeaderInfo(format.Name, gif.Width, gif.Height, ModeName(gif.Mode), FrameCounter.CountGifFrames(bytes));
                case BmpFormat:
                    BmpHeader bmp = BmpHeader.Read(bytes, dib);
                    return new ImageHeaderInfo(format.Name, Side(bmp.Width), Side(bmp.Height), ModeName(bmp.Mode), 1);
                case TgaFormat:
                    (int tgaWidth, int tgaHeight) = TgaHeader.Sides(bytes);
                    return new ImageHeaderInfo(format.Name, tgaWidth, tgaHeight, ModeName(TgaHeader.Mode(bytes)), 1);
                case TiffFormat:
                    TiffHeader tiff = TiffHeader.Read(bytes);
                    return new ImageHeaderInfo(format.Name, tiff.Width, tiff.Height, ModeName(tiff.PillowMode), TiffDirectory.CountPages(bytes));
            }

            // JPEG and WebP: no reader of ours reads their headers; ImageSharp's Identify does, on the copy the decode
            // is given (an animated WebP's first frame as a still file: ImageSharp 2.1.13 identifies no animation).
            if (format is WebpFormat && WebpStructure.Check(bytes) is { } still)
            {
                data = still;
                bytes = still;
            }

            IImageInfo info = ImageIntake.Identify(configuration, data, format);
            return new ImageHeaderInfo(format.Name, info.Width, info.Height, ModeName(SourceMode.Detect(format, info, bytes).Mode), 1);
        }
        catch (ImageIntakeException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Identify throws more than ImageFormatException on hostile headers, as the decoders do; its text (and
            // type names) stay the inner exception, for the server's log, never the answer.
            throw ImageIntakeException.Invalid($"The {format.Name} header could not be read: it is malformed.", ex);
        }
    }

    // A declared side as INFO reports it: the header's value, capped at int.MaxValue (BMP and Netpbm declare more).
    private static int Side(long declared) => (int)Math.Clamp(declared, int.MinValue, int.MaxValue);

    internal static string ModeName(PillowMode mode) => mode switch
    {
        PillowMode.Bilevel => "1",
        PillowMode.Palette => "P",
        PillowMode.Grey => "L",
        _ => "RGB",
    };
}
