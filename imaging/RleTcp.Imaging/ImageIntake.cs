using System.Runtime.InteropServices;
using RleTcp.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging;

/// <summary>
/// Turns an encoded image (PNG, BMP, GIF, TIFF, PBM/PGM/PPM, TGA, JPEG, WebP) into a <see cref="BitImage"/>,
/// bit-identical to Pillow 9.4's <c>Image.open(f).convert('1')</c> for lossless inputs (see docs/IMAGING.md).
/// </summary>
/// <remarks>
/// The input is treated as hostile: the format is detected and the size identified before anything is decoded,
/// a BMP header's offsets are checked against the payload, and any failure inside a decoder becomes an
/// <see cref="ImageIntakeException"/>. Uncompressed 1-bit BMP, binary PBM, non-interlaced 1-bit PNG and uncompressed
/// 1-bit TIFF are read straight into packed rows;
/// everything else is decoded by ImageSharp once.
/// </remarks>
public static class ImageIntake
{
    /// <summary>Decodes <paramref name="data"/> and converts it to black and white.</summary>
    /// <returns>An image whose storage is pooled: dispose it when done (not disposing only costs the pool).</returns>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked per row).</exception>
    public static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct = default) =>
        Decode(data, options, useFastPaths: true, ct);

    /// <summary>As <see cref="Decode(ReadOnlyMemory{byte}, IntakeOptions, CancellationToken)"/>; the fast paths can be
    /// switched off so tests can check they agree with ImageSharp.</summary>
    internal static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, bool useFastPaths, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ct.ThrowIfCancellationRequested();
        ReadOnlySpan<byte> bytes = data.Span;
        if (bytes.IsEmpty)
        {
            throw ImageIntakeException.Invalid("The payload is empty.");
        }

        Configuration configuration = ImageSharpConfigurations.For(options.AllowedFormats);
        IImageFormat format = DetectFormat(configuration, bytes, options.AllowedFormats);
        if (options.Page != 0 && format is not (GifFormat or TiffFormat))
        {
            // Pillow's seek(K > 0) on a one-image file raises EOFError. A multi-page format's reader checks its own
            // page count instead; it is listed here once it does.
            throw ImageIntakeException.Invalid($"The {format.Name} image has a single page; page {options.Page} does not exist.");
        }

        try
        {
            if (format is JpegFormat && JpegStructure.Check(bytes) is { } jpeg)
            {
                // Decoded without the bytes libjpeg skips and ImageSharp trips over.
                data = jpeg;
                bytes = jpeg;
            }

            if (format is WebpFormat && WebpStructure.Check(bytes) is { } still)
            {
                // An animated file's first frame, as a still file ImageSharp reads.
                data = still;
                bytes = still;
            }

            BmpHeader? bmp = format is BmpFormat ? BmpHeader.Read(bytes) : null;
            TiffHeader? tiff = format is TiffFormat ? TiffIntake.ReadHeader(bytes, options) : null;
            if (bmp is { } b)
            {
                BmpRleExtent.Check(bytes, b, ct);
            }

            if (format is TgaFormat)
            {
                if (TgaIntake.Check(bytes, options) is { } tga)
                {
                    data = tga;
                    bytes = tga;
                }

                if (TgaIntake.TryRead(bytes, ct) is { } bilevelTga)
                {
                    return bilevelTga;
                }
            }

            if (format is PngFormat)
            {
                PngStructure.CheckComplete(bytes);
                if (useFastPaths && PngHeader.Read(bytes) is { IsPacked1Bit: true } png)
                {
                    // The IHDR alone admits a 1-bit PNG: ImageSharp's Identify is only paid by images it decodes.
                    CheckSize(png.Width, png.Height, options);
                    if (Png1BitReader.TryRead(data, png, ct) is { } packed)
                    {
                        return packed;
                    }
                }
            }

            IImageInfo? info = tiff is null ? Identify(configuration, data, format) : null;
            CheckSize(info?.Width ?? tiff!.Value.Width, info?.Height ?? tiff!.Value.Height, options);

            if (tiff is { } own && TiffIntake.TryRead(bytes, own, ct) is { } bilevel)
            {
                return bilevel;
            }

            if (useFastPaths)
            {
                BitImage? fast = format switch
                {
                    BmpFormat => Bmp1BitReader.TryRead(bytes, bmp!.Value, ct),
                    PbmFormat => Pbm4Reader.TryRead(bytes, ct),
                    _ => null,
                };
                if (fast is not null)
                {
                    return fast;
                }
            }

            if (format is PngFormat)
            {
                // Only on the ImageSharp path: the 1-bit reader checks its own rows as it inflates them.
                PngStructure.CheckImageDataComplete(data, ct);
            }

            (PillowMode mode, DecodePixel pixel) = tiff is { } t
                ? (t.PillowMode, t.PillowMode is PillowMode.Palette or PillowMode.Colour ? DecodePixel.Rgb24 : DecodePixel.L8)
                : SourceMode.Detect(format, info!, bytes);
            byte[]? pillowColorMap = tiff is { } p ? TiffIntake.ForImageSharp(bytes, p) : null;
            bool invert = tiff is { DecodesInverted: true };
            int orientation = tiff?.Orientation ?? 1;
            return ImageSharpIntake.Decode(configuration, format, pillowColorMap ?? bytes, mode, pixel, invert, options, ct, orientation);
        }
        catch (ImageIntakeException)
        {
            throw;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Decoders throw far more than ImageFormatException (index, argument, overflow, memory limit...). Their
            // text and type names are the library's, not ours, and go no further than the inner exception (logs).
            throw ImageIntakeException.Invalid(DecoderFailure(format.Name, ex), ex);
        }
    }

    /// <summary>
    /// Our words for a failure inside a decoder, by its kind only: a library's message can quote its internals
    /// (type names, offsets in its own buffers) and changes between versions, so it never reaches a client.
    /// </summary>
    internal static string DecoderFailure(string formatName, Exception ex) => ex switch
    {
        NotSupportedException or UnknownImageFormatException =>
            $"The {formatName} image uses a feature the decoder does not support.",
        InvalidImageContentException or InvalidDataException or EndOfStreamException =>
            $"The {formatName} image is corrupt or truncated: its data does not decode.",
        InvalidMemoryOperationException or OutOfMemoryException =>
            $"The {formatName} image needs more memory to decode than is allowed.",
        _ => $"The {formatName} image is malformed: it could not be decoded.",
    };

    /// <summary>Refuses sizes the RLE header cannot carry or the pixel budget does not allow.</summary>
    internal static void CheckSize(int width, int height, IntakeOptions options)
    {
        if (width <= 0 || height <= 0)
        {
            throw ImageIntakeException.Invalid($"The image is {width}x{height}; both sides must be at least 1.");
        }

        if (width > BitImage.MaxDimension || height > BitImage.MaxDimension)
        {
            throw ImageIntakeException.TooLarge(
                $"The image is {width}x{height}; the RLE format allows at most {BitImage.MaxDimension} on each side.");
        }

        if ((long)width * height > options.MaxPixels)
        {
            throw ImageIntakeException.TooLarge(
                $"The image is {width}x{height} = {(long)width * height} pixels; the limit is {options.MaxPixels}.");
        }
    }

    private static IImageFormat DetectFormat(Configuration configuration, ReadOnlySpan<byte> bytes, ImageFormats allowed)
    {
        IImageFormat? format = Image.DetectFormat(configuration, bytes);
        if (format is not null)
        {
            return format;
        }

        IImageFormat? any = Image.DetectFormat(ImageSharpConfigurations.For(ImageFormats.All), bytes);
        throw any is null
            ? ImageIntakeException.Invalid("The payload is not an image in any supported format.")
            : ImageIntakeException.Invalid($"{any.Name} images are not allowed (allowed: {allowed}).");
    }

    private static IImageInfo Identify(Configuration configuration, ReadOnlyMemory<byte> data, IImageFormat format)
    {
        using Stream stream = AsStream(data);
        IImageInfo? info = Image.Identify(configuration, stream, out _);
        return info ?? throw ImageIntakeException.Invalid($"The {format.Name} header could not be read.");
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
