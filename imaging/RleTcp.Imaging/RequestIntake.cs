using System.Runtime.InteropServices;
using RleTcp.Imaging.Formats;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace RleTcp.Imaging;

/// <summary>
/// The intake with a <see cref="ConversionRequest"/>: frame/page selection, resize before conversion, inversion after.
/// Without page or resize it is <see cref="ImageIntake"/> itself (so Pillow-exact); with them ImageSharp decodes the
/// frame in RGB, resamples it, and the rows are converted by the same Pillow rules (docs/PROTOCOL.md, "Options").
/// </summary>
public static class RequestIntake
{
    /// <summary>Decodes <paramref name="data"/> as <paramref name="request"/> asks, every decoder in this process.</summary>
    /// <returns>A pooled image: dispose it.</returns>
    /// <exception cref="ImageIntakeException">Invalid, not allowed, too large, or the page is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked per row).</exception>
    public static BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest request, CancellationToken ct = default) =>
        Decode(data, options, request, library: null, ct);

    /// <summary>
    /// As <see cref="Decode(ReadOnlyMemory{byte}, IntakeOptions, ConversionRequest, CancellationToken)"/>, with the
    /// library's decodes in <paramref name="library"/> (the decode sandbox): a page is read by our own readers where
    /// they serve it (Pillow-exact) and the rest goes to the library; a resize decodes through ImageSharp, so all of
    /// it runs over there.
    /// </summary>
    /// <exception cref="DecodeSandboxException">The library decoder failed (e.g. its process died).</exception>
    public static BitImage Decode(
        ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest request, ILibraryDecoder? library, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Resizes && library is not null)
        {
            return library.Decode(data, options, request, ct); // inverted over there too
        }

        BitImage image;
        if (request.Resizes)
        {
            image = DecodeGeneral(data, options, request, ct);
        }
        else
        {
            IntakeOptions paged = request.Page == options.Page ? options : options with { Page = request.Page };
            image = library is null ? ImageIntake.Decode(data, paged, ct) : ImageIntake.Decode(data, paged, library, ct);
        }

        if (request.Invert)
        {
            image.Invert();
        }

        return image;
    }

    // Only a resize comes here: every other request is read by the intake's own readers.
    private static BitImage DecodeGeneral(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ImageHeaderInfo header = ImageHeaderInfo.Read(data, options.AllowedFormats);
        if (request.Page < 0 || request.Page >= header.Frames)
        {
            throw ImageIntakeException.Invalid(
                $"Page {request.Page} was asked for; the {header.Format} image has {header.Frames} {(header.Frames == 1 ? "page" : "pages")} (0..{header.Frames - 1}).");
        }

        ImageIntake.CheckSize(header.Width, header.Height, options);

        // ImageSharp 2.1 decodes every frame up to the end when asked for any but the first: all of them must fit the budget.
        long decodedPixels = (long)header.Width * header.Height * (request.Page == 0 ? 1 : header.Frames);
        if (decodedPixels > options.MaxPixels)
        {
            throw ImageIntakeException.TooLarge(
                $"Page {request.Page} needs all {header.Frames} frames of {header.Width}x{header.Height} decoded ({decodedPixels} pixels); the limit is {options.MaxPixels}.");
        }

        (long width, long height) = request.TargetSize(header.Width, header.Height);
        if (width > BitImage.MaxDimension || height > BitImage.MaxDimension || width * height > options.MaxPixels)
        {
            throw ImageIntakeException.TooLarge(
                $"The resized image would be {width}x{height}; the limits are {BitImage.MaxDimension} per side and {options.MaxPixels} pixels.");
        }

        Configuration configuration = ImageSharpConfigurations.For(options.AllowedFormats);
        IImageFormat format = ImageIntake.DetectFormat(configuration, data.Span, options.AllowedFormats);
        try
        {
            using Image<Rgb24> decoded = LoadFrame(configuration, format, data.Span, request.Page);
            ct.ThrowIfCancellationRequested();
            decoded.Mutate(x => x.Resize((int)width, (int)height, Resampler(request.Filter)));

            // A resampled palette or bilevel image is no longer two-coloured: Pillow's rule for it is the grey one (dither).
            bool dither = options.Mode == ConversionMode.Pillow;
            return Convert(decoded, dither, options, ct);
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
            // The library's text stays the inner exception (logs): only our words go to a client.
            throw ImageIntakeException.Invalid(ImageIntake.DecoderFailure(format.Name, ex), ex);
        }
    }

    private static Image<Rgb24> LoadFrame(Configuration configuration, IImageFormat format, ReadOnlySpan<byte> data, int page)
    {
        if (page == 0)
        {
            return Image.Load<Rgb24>(configuration, data);
        }

        IImageDecoder all = format is GifFormat
            ? new GifDecoder { DecodingMode = FrameDecodingMode.All }
            : new TiffDecoder { DecodingMode = FrameDecodingMode.All };
        using Image<Rgb24> frames = Image.Load<Rgb24>(configuration, data, all);
        if (page >= frames.Frames.Count)
        {
            throw ImageIntakeException.Invalid($"Page {page} could not be decoded; ImageSharp found {frames.Frames.Count} frames.");
        }

        return frames.Frames.CloneFrame(page);
    }

    /// <summary>The ImageSharp resampler for a protocol filter name (the names of <c>V2RequestOptions.Filters</c>).</summary>
    internal static IResampler Resampler(string name) => name switch
    {
        "nearest" => KnownResamplers.NearestNeighbor,
        "box" => KnownResamplers.Box,
        "bilinear" => KnownResamplers.Triangle,
        "bicubic" => KnownResamplers.Bicubic,
        "lanczos3" => KnownResamplers.Lanczos3,
        _ => throw new ArgumentException($"Unknown resize filter '{name}'.", nameof(name)),
    };

    private static BitImage Convert(Image<Rgb24> source, bool dither, IntakeOptions options, CancellationToken ct)
    {
        BitImage result = BitImage.CreatePooled(source.Width, source.Height);
        try
        {
            using var writer = new BilevelRowWriter(result, dither, options.Level);
            for (int y = 0; y < source.Height; y++)
            {
                ct.ThrowIfCancellationRequested();
                writer.WriteRgb(y, MemoryMarshal.AsBytes(source.DangerousGetPixelRowMemory(y).Span), 3);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
