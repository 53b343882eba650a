using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
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
            PillowMode mode = HeaderMode(format, info, bytes);
            int frames = format is GifFormat ? FrameCounter.CountGifFrames(bytes) : 1;
            return new ImageHeaderInfo(format.Name, info.Width, info.Height, ModeName(mode), frames);
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

    // The conversion class from the header alone. Our own readers decide their mode as they read; INFO reads no pixels.
    private static PillowMode HeaderMode(IImageFormat format, IImageInfo info, ReadOnlySpan<byte> bytes)
    {
        switch (format)
        {
            case PngFormat:
                PngMetadata png = info.Metadata.GetPngMetadata();
                return png.ColorType switch
                {
                    PngColorType.Grayscale when png.BitDepth == PngBitDepth.Bit1 => PillowMode.Bilevel,
                    PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha => PillowMode.Grey,
                    PngColorType.Palette => PillowMode.Palette,
                    _ => PillowMode.Colour,
                };
            case PbmFormat:
                return info.Metadata.GetPbmMetadata().ColorType switch
                {
                    PbmColorType.BlackAndWhite => PillowMode.Bilevel,
                    PbmColorType.Grayscale => PillowMode.Grey,
                    _ => PillowMode.Colour,
                };
            case GifFormat:
                return PillowMode.Palette;
            case BmpFormat:
                // The bit count: at 24 in an OS/2 (12-byte) info header, at 28 in every later one.
                int at = bytes.Length > 18 && bytes[14] == 12 ? 24 : 28;
                return bytes.Length >= at + 2 && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]) <= 8
                    ? PillowMode.Palette
                    : PillowMode.Colour;
            default:
                return SourceMode.Detect(format, info, bytes).Mode;
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
