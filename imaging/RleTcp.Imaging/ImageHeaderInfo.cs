using RleTcp.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;

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
        IImageFormat format = ImageIntake.DetectFormat(configuration, bytes, allowed);
        try
        {
            if (format is TiffFormat)
            {
                TiffHeader tiff = TiffHeader.Read(bytes);
                return new ImageHeaderInfo(format.Name, tiff.Width, tiff.Height, ModeName(tiff.PillowMode), FrameCounter.CountTiffPages(bytes));
            }

            IImageInfo info = ImageIntake.Identify(configuration, data, format);
            PillowMode mode = SourceMode.Detect(format, info, bytes).Mode;
            int frames = format is GifFormat ? FrameCounter.CountGifFrames(bytes) : 1;
            return new ImageHeaderInfo(format.Name, info.Width, info.Height, ModeName(mode), frames);
        }
        catch (ImageIntakeException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Identify throws more than ImageFormatException on hostile headers, as the decoders do.
            throw ImageIntakeException.Invalid($"The {format.Name} header could not be read: {ex.Message}", ex);
        }
    }

    internal static string ModeName(PillowMode mode) => mode switch
    {
        PillowMode.Bilevel => "1",
        PillowMode.Palette => "P",
        PillowMode.Grey => "L",
        _ => "RGB",
    };
}
