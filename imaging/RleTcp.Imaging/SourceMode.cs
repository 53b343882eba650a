using RleTcp.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Tga;

namespace RleTcp.Imaging;

/// <summary>The mode Pillow 9.4 opens a file in, which decides whether <c>convert('1')</c> dithers.</summary>
internal enum PillowMode
{
    /// <summary>"1": already black and white; converting is a copy.</summary>
    Bilevel,

    /// <summary>"P": palette indices; each colour is thresholded on its luma, no dither.</summary>
    Palette,

    /// <summary>"L" or "LA": Floyd–Steinberg on the grey value.</summary>
    Grey,

    /// <summary>"RGB", "RGBA" (and CMYK, YCbCr): Floyd–Steinberg on <c>(R*299 + G*587 + B*114) / 1000</c>.</summary>
    Colour,
}

/// <summary>The pixel type ImageSharp decodes into: the cheapest that keeps the values exact.</summary>
internal enum DecodePixel
{
    /// <summary>One grey byte: for sources whose samples are grey.</summary>
    L8,

    /// <summary>R, G, B: for colour and palette sources (the luma must come from the real colour).</summary>
    Rgb24,
}

/// <summary>
/// Which Pillow mode a file ImageSharp decodes opens in: TGA by <see cref="TgaHeader"/>, JPEG and WebP (whose headers
/// no reader of ours reads) from ImageSharp's identified metadata.
/// </summary>
internal static class SourceMode
{
    /// <summary>
    /// The Pillow mode and decode pixel type for an image ImageSharp identified (TIFF is read by
    /// <see cref="Formats.TiffHeader"/> instead, PNG by <see cref="Formats.PngReader"/>, Netpbm by
    /// <see cref="Formats.PnmReader"/>, GIF by <see cref="Formats.GifReader"/>,
    /// BMP by <see cref="Formats.BmpReader"/>).
    /// </summary>
    public static (PillowMode Mode, DecodePixel Pixel) Detect(IImageFormat format, IImageInfo info, ReadOnlySpan<byte> data)
    {
        switch (format)
        {
            case TgaFormat:
                PillowMode tga = TgaHeader.Mode(data);
                return (tga, tga is PillowMode.Grey or PillowMode.Bilevel ? DecodePixel.L8 : DecodePixel.Rgb24);

            case JpegFormat:
                return info.PixelType.BitsPerPixel == 8 ? (PillowMode.Grey, DecodePixel.L8) : (PillowMode.Colour, DecodePixel.Rgb24);

            default:
                return (PillowMode.Colour, DecodePixel.Rgb24);
        }
    }
}
