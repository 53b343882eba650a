using System.Runtime.InteropServices;
using RleTcp.Imaging.Formats;
using RleTcp.Imaging.Sandbox;
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
/// The input is treated as hostile: the format is detected and the size checked before anything is decoded, and any
/// failure inside a decoder becomes an <see cref="ImageIntakeException"/> in our words. PNG, Netpbm, GIF and BMP
/// (also a header-less DIB) are read by our own bounded readers in <c>Formats/</c>, exactly as Pillow reads them;
/// TIFF by our own readers too, except its lossy codecs; everything else is decoded by ImageSharp once.
/// </remarks>
public static class ImageIntake
{
    /// <summary>
    /// What inflates PNG image data in this process, for the log: <c>libdeflate.so.0</c> (one call per image), or
    /// <c>ZLibStream</c> when that library is not installed; either way an 8-bit grey PNG that an idle helper joins
    /// inflates through <c>ZLibStream</c> block by block beside its conversion.
    /// </summary>
    public static string PngInflater => (Formats.PngInflate.IsNative ? Formats.LibDeflate.Library : "ZLibStream (libdeflate.so.0 not found)") +
        "; an 8-bit grey PNG that an idle worker joins streams through ZLibStream";

    /// <summary>Decodes <paramref name="data"/> and converts it to black and white.</summary>
    /// <returns>An image whose storage is pooled: dispose it when done (not disposing only costs the pool).</returns>
    /// <exception cref="ImageIntakeException">The image is invalid, not allowed, or too large.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked per row).</exception>
    public static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct = default) =>
        Decode(data, options, FastPathsFor(options), library: null, ct);

    /// <summary>
    /// As <see cref="Decode(ReadOnlyMemory{byte}, IntakeOptions, CancellationToken)"/>, but every image our own readers
    /// do not take is handed to <paramref name="library"/> (e.g. the <see cref="DecodeSandbox"/>) instead of
    /// being decoded by ImageSharp in this process.
    /// </summary>
    /// <exception cref="DecodeSandboxException">The library decoder failed (e.g. its process died).</exception>
    public static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ILibraryDecoder library, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(library);
        return Decode(data, options, FastPathsFor(options), library, ct);
    }

    // The packed fast paths threshold at 128 (a 1-bit palette's colours are placed by it): another level goes the general way.
    private static bool FastPathsFor(IntakeOptions options) =>
        options.Mode != ConversionMode.Threshold || options.ThresholdLevel == 128;

    /// <summary>As <see cref="Decode(ReadOnlyMemory{byte}, IntakeOptions, CancellationToken)"/>; the fast paths can be
    /// switched off so tests can check they agree with the general route (ImageSharp for TIFF, the general PNG reader).</summary>
    internal static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, bool useFastPaths, CancellationToken ct) =>
        Decode(data, options, useFastPaths, library: null, ct);

    private static BitImage Decode(
        ReadOnlyMemory<byte> data, IntakeOptions options, bool useFastPaths, ILibraryDecoder? library, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ct.ThrowIfCancellationRequested();
        ReadOnlySpan<byte> bytes = data.Span;
        if (bytes.IsEmpty)
        {
            throw ImageIntakeException.Invalid("The payload is empty.");
        }

        Configuration configuration = ImageSharpConfigurations.For(options.AllowedFormats);
        IImageFormat format = DetectFormat(configuration, bytes, options.AllowedFormats, out bool dib);
        if (options.Page != 0 && format is not (GifFormat or TiffFormat))
        {
            // Pillow's seek(K > 0) on a one-image file raises EOFError. A multi-page format's reader checks its own
            // page count instead; it is listed here once it does.
            throw ImageIntakeException.Invalid($"The {format.Name} image has 1 page; page {options.Page} does not exist.");
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

            // Formats our own readers (Formats/) read as Pillow does: none of them reaches ImageSharp.
            switch (format)
            {
                case PngFormat:
                    return PngReader.Decode(data, options, useFastPaths, ct);
                case PbmFormat:
                    return PnmReader.Decode(bytes, options, ct);
                case GifFormat:
                    return GifReader.Decode(bytes, options, ct);
                case BmpFormat:
                    return BmpReader.Decode(bytes, dib, options, ct);
            }

            TiffHeader? tiff = format is TiffFormat ? TiffIntake.ReadHeader(bytes, options) : null;
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

            if (library is not null && format is not TiffFormat)
            {
                // No reader of ours takes this format: even Identify is library code, so it runs over there too.
                return library.Decode(data, options, ct);
            }

            IImageInfo? info = tiff is null ? Identify(configuration, data, format) : null;
            CheckSize(info?.Width ?? tiff!.Value.Width, info?.Height ?? tiff!.Value.Height, options);

            if (format is JpegFormat && TurboJpegReader.TryDecode(bytes, options, ct) is { } turbo)
            {
                // libjpeg-turbo, as Debian's Pillow decodes: Pillow's pixels (ImageSharp's differ by rounding).
                return turbo;
            }

            if (tiff is { } own && TiffIntake.TryRead(bytes, own, options, librariesHere: library is null, ct) is { } ownImage)
            {
                return ownImage;
            }

            if (library is not null)
            {
                return library.Decode(data, options, ct);
            }

            (PillowMode mode, DecodePixel pixel) = tiff is { } t
                ? (t.PillowMode, t.PillowMode is PillowMode.Palette or PillowMode.Colour ? DecodePixel.Rgb24 : DecodePixel.L8)
                : SourceMode.Detect(format, info!, bytes);
            byte[]? pillowColorMap = tiff is { } p ? TiffIntake.ForImageSharp(bytes, p) : null;
            int orientation = tiff?.Orientation ?? 1;
            return ImageSharpIntake.Decode(configuration, format, pillowColorMap ?? bytes, mode, pixel, options, ct, orientation);
        }
        catch (Exception ex) when (ex is ImageIntakeException or DecodeSandboxException)
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

    internal static IImageFormat DetectFormat(Configuration configuration, ReadOnlySpan<byte> bytes, ImageFormats allowed) =>
        DetectFormat(configuration, bytes, allowed, out _);

    internal static IImageFormat DetectFormat(Configuration configuration, ReadOnlySpan<byte> bytes, ImageFormats allowed, out bool dib)
    {
        dib = false;
        IImageFormat? format = Image.DetectFormat(configuration, bytes);
        if (format is not null)
        {
            return format;
        }

        if (BmpHeader.IsDib(bytes))
        {
            // A header-less DIB (BITMAPINFOHEADER + pixels, as the clipboard holds): Pillow's DibImagePlugin reads it.
            if ((allowed & ImageFormats.Bmp) == 0)
            {
                throw ImageIntakeException.Invalid($"BMP images are not allowed (allowed: {allowed}).");
            }

            dib = true;
            return BmpFormat.Instance;
        }

        IImageFormat? any = Image.DetectFormat(ImageSharpConfigurations.For(ImageFormats.All), bytes);
        throw any is null
            ? ImageIntakeException.Invalid("The payload is not an image in any supported format.")
            : ImageIntakeException.Invalid($"{any.Name} images are not allowed (allowed: {allowed}).");
    }

    internal static IImageInfo Identify(Configuration configuration, ReadOnlyMemory<byte> data, IImageFormat format)
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
