using System.Buffers;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Grey and colour JPEG decoded by libjpeg-turbo (<see cref="TurboJpeg"/>), the library Debian's Pillow 9.4 uses,
/// then converted as Pillow converts "L" and "RGB" to "1": the pixels, and so the bits, are Pillow's.
/// </summary>
/// <remarks>
/// Declines (returns null, and the intake decodes with ImageSharp as before) when the library is not installed, for
/// CMYK and YCCK files, and for any file libjpeg-turbo reports an error or a warning on (corrupt or truncated data,
/// where Pillow raises or libjpeg's recovery is not pinned by a test). The caller has checked the size already.
/// </remarks>
internal static class TurboJpegReader
{
    /// <summary>Decodes <paramref name="jpeg"/> to bits as Pillow would, or null when it declines (see remarks).</summary>
    public static BitImage? TryDecode(ReadOnlySpan<byte> jpeg, IntakeOptions options, CancellationToken ct) =>
        JpegScanlines.IsAvailable ? TryDecodeRows(jpeg, options, options.Helpers ?? ThreadPoolIntakeHelpers.Shared, ct) : TryDecodeWhole(jpeg, options, ct);

    /// <summary><see cref="TryDecode"/> without <see cref="JpegScanlines"/>: the whole image decoded, then converted.</summary>
    internal static BitImage? TryDecodeWhole(ReadOnlySpan<byte> jpeg, IntakeOptions options, CancellationToken ct)
    {
        byte[]? pixels = TryDecodePixels(jpeg, options.MaxPixels, out int width, out int height, out int bytesPerPixel);
        if (pixels is null)
        {
            return null;
        }

        try
        {
            ct.ThrowIfCancellationRequested();
            return ToBits(pixels, width, height, bytesPerPixel, options, ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    /// <summary>
    /// <see cref="TryDecode"/> with the decode and the conversion overlapping (<see cref="JpegRowPipeline"/>), on the
    /// caller and <paramref name="helpers"/> (the server's idle workers, else the thread pool): the same header checks,
    /// the same libjpeg decode, the same conversion, so the same bits and the same declines as
    /// <see cref="TryDecodeWhole"/>. Needs <see cref="JpegScanlines.IsAvailable"/>.
    /// </summary>
    internal static unsafe BitImage? TryDecodeRows(ReadOnlySpan<byte> jpeg, IntakeOptions options, IIntakeHelpers helpers, CancellationToken ct)
    {
        if (!TurboJpeg.IsAvailable || jpeg.IsEmpty)
        {
            return null;
        }

        fixed (byte* source = jpeg)
        {
            var size = new System.Runtime.InteropServices.CULong((nuint)jpeg.Length);
            if (!TryReadHeader(source, size, options.MaxPixels, out int width, out int height, out int bytesPerPixel))
            {
                return null;
            }

            // libjpeg's own allocations: a progressive 4:4:4 frame keeps 6 B of coefficients a pixel, plus tables.
            long maxMemory = (8L * (width + 15) * (height + 15)) + (32L << 20);
            IntPtr decoder = JpegScanlines.Open(source, size, bytesPerPixel == 1 ? 1 : 0, new System.Runtime.InteropServices.CLong((nint)maxMemory), out int decodedWidth, out int decodedHeight);
            if (decoder == IntPtr.Zero)
            {
                return null;
            }

            byte[]? pixels = null;
            try
            {
                if (decodedWidth != width || decodedHeight != height)
                {
                    return null;
                }

                pixels = ArrayPool<byte>.Shared.Rent(checked(width * bytesPerPixel * height));
                return JpegRowPipeline.Run(decoder, pixels, width, height, bytesPerPixel, options, helpers, ct);
            }
            finally
            {
                JpegScanlines.Close(decoder);
                if (pixels is not null)
                {
                    ArrayPool<byte>.Shared.Return(pixels);
                }
            }
        }
    }

    // TurboJPEG's reading of the frame header, and the same declines as TryDecodePixels: grey, YCbCr or RGB only,
    // a chroma subsampling TurboJPEG recognises, within maxPixels.
    private static unsafe bool TryReadHeader(byte* source, System.Runtime.InteropServices.CULong size, long maxPixels, out int width, out int height, out int bytesPerPixel)
    {
        width = height = bytesPerPixel = 0;
        IntPtr handle = TurboJpeg.InitDecompress();
        if (handle == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            return TurboJpeg.DecompressHeader(handle, source, size, out width, out height, out _, out int space) == 0
                && Accepts(space, width, height, maxPixels, out _, out bytesPerPixel);
        }
        finally
        {
            TurboJpeg.Destroy(handle);
        }
    }

    // The one decline rule of both paths: grey, YCbCr or RGB (TJCS_*) within maxPixels, decoded to the TJPF_* of
    // Pillow's mode for it ("L" or "RGB") at 1 or 3 bytes a pixel.
    private static bool Accepts(int space, int width, int height, long maxPixels, out int pixelFormat, out int bytesPerPixel)
    {
        pixelFormat = space switch
        {
            TurboJpeg.ColourSpaceGrey => TurboJpeg.PixelGrey,
            TurboJpeg.ColourSpaceYCbCr or TurboJpeg.ColourSpaceRgb => TurboJpeg.PixelRgb,
            _ => -1,
        };
        bytesPerPixel = pixelFormat == TurboJpeg.PixelGrey ? 1 : 3;
        return pixelFormat >= 0 && width > 0 && height > 0 && (long)width * height <= maxPixels;
    }

    /// <summary>Row <paramref name="y"/> of decoded pixels (grey, or R, G, B) into <paramref name="writer"/>.</summary>
    internal static void WriteRow(BilevelRowWriter writer, int y, ReadOnlySpan<byte> row, int bytesPerPixel)
    {
        if (bytesPerPixel == 1)
        {
            writer.WriteGrey(y, row);
        }
        else
        {
            writer.WriteRgb(y, row, bytesPerPixel);
        }
    }

    /// <summary>
    /// The decoded pixels (grey, or R, G, B), <c>width * bytesPerPixel</c> bytes a row, in an array rented from
    /// <see cref="ArrayPool{T}.Shared"/> (the caller returns it); null when it declines (see remarks).
    /// </summary>
    public static byte[]? TryDecodePixels(ReadOnlySpan<byte> jpeg, long maxPixels, out int width, out int height, out int bytesPerPixel) =>
        TryDecodePixels(jpeg, maxPixels, out width, out height, out bytesPerPixel, out _, out _);

    /// <summary>
    /// The raw planes of a YCbCr JPEG (<see cref="TurboJpeg.DecompressToYuv"/>, rows unpadded) in an array rented
    /// from <see cref="ArrayPool{T}.Shared"/> (the caller returns it): Y of <c>ceil(width / h) * h</c> by
    /// <c>ceil(height / v) * v</c>, then Cb and Cr of <c>ceil(width / h)</c> by <c>ceil(height / v)</c>, for the
    /// frame's luma sampling <paramref name="subsampling"/> (h, v): 1x1, 2x1, 2x2, 1x2 or 4x1. Null when it
    /// declines: no library, not YCbCr, another sampling, over <paramref name="maxPixels"/>, or a corrupt stream.
    /// </summary>
    public static unsafe byte[]? TryDecodeYuv(ReadOnlySpan<byte> jpeg, long maxPixels, out int width, out int height, out (int H, int V) subsampling)
    {
        width = height = 0;
        subsampling = default;
        if (!TurboJpeg.IsAvailable || jpeg.IsEmpty)
        {
            return null;
        }

        IntPtr handle = TurboJpeg.InitDecompress();
        if (handle == IntPtr.Zero)
        {
            return null;
        }

        byte[]? planes = null;
        try
        {
            fixed (byte* source = jpeg)
            {
                var size = new System.Runtime.InteropServices.CULong((nuint)jpeg.Length);
                if (TurboJpeg.DecompressHeader(handle, source, size, out width, out height, out int samp, out int space) != 0)
                {
                    return null;
                }

                // TJSAMP_444, _422, _420, _440, _411.
                subsampling = samp switch { 0 => (1, 1), 1 => (2, 1), 2 => (2, 2), 3 => (1, 2), 5 => (4, 1), _ => default };
                if (space != TurboJpeg.ColourSpaceYCbCr || subsampling == default || width <= 0 || height <= 0 || (long)width * height > maxPixels)
                {
                    return null;
                }

                long chromaWidth = ((long)width + subsampling.H - 1) / subsampling.H, chromaHeight = ((long)height + subsampling.V - 1) / subsampling.V;
                planes = ArrayPool<byte>.Shared.Rent(checked((int)((chromaWidth * subsampling.H * chromaHeight * subsampling.V) + (2 * chromaWidth * chromaHeight))));
                fixed (byte* destination = planes)
                {
                    // Flags 0: libjpeg's defaults (islow IDCT), as libtiff's OJPEG codec leaves them.
                    if (TurboJpeg.DecompressToYuv(handle, source, size, destination, width, 1, height, 0) != 0)
                    {
                        return null;
                    }
                }

                byte[] decoded = planes;
                planes = null;
                return decoded;
            }
        }
        finally
        {
            TurboJpeg.Destroy(handle);
            if (planes is not null)
            {
                ArrayPool<byte>.Shared.Return(planes);
            }
        }
    }

    /// <summary>
    /// As <see cref="TryDecodePixels(ReadOnlySpan{byte}, long, out int, out int, out int)"/>, also giving the frame's
    /// chroma subsampling (TJSAMP_*) and colour space (TJCS_*), which JPEG-in-TIFF checks against the TIFF's tags.
    /// </summary>
    public static unsafe byte[]? TryDecodePixels(
        ReadOnlySpan<byte> jpeg, long maxPixels, out int width, out int height, out int bytesPerPixel, out int subsampling, out int space)
    {
        width = height = bytesPerPixel = subsampling = space = 0;
        if (!TurboJpeg.IsAvailable || jpeg.IsEmpty)
        {
            return null;
        }

        IntPtr handle = TurboJpeg.InitDecompress();
        if (handle == IntPtr.Zero)
        {
            return null;
        }

        byte[]? pixels = null;
        try
        {
            fixed (byte* source = jpeg)
            {
                var size = new System.Runtime.InteropServices.CULong((nuint)jpeg.Length);
                if (TurboJpeg.DecompressHeader(handle, source, size, out width, out height, out subsampling, out space) != 0)
                {
                    return null;
                }

                if (!Accepts(space, width, height, maxPixels, out int pixelFormat, out bytesPerPixel))
                {
                    return null;
                }

                int pitch = checked(width * bytesPerPixel);
                pixels = ArrayPool<byte>.Shared.Rent(checked(pitch * height));
                fixed (byte* destination = pixels)
                {
                    // Flags 0: libjpeg's defaults, as Pillow leaves them (islow IDCT, fancy upsampling).
                    if (TurboJpeg.Decompress(handle, source, size, destination, width, pitch, height, pixelFormat, 0) != 0)
                    {
                        return null;
                    }
                }

                byte[] decoded = pixels;
                pixels = null;
                return decoded;
            }
        }
        finally
        {
            TurboJpeg.Destroy(handle);
            if (pixels is not null)
            {
                ArrayPool<byte>.Shared.Return(pixels);
            }
        }
    }

    private static BitImage ToBits(byte[] pixels, int width, int height, int bytesPerPixel, IntakeOptions options, CancellationToken ct)
    {
        // "L" and "RGB" both dither in Pillow's mode; the threshold mode compares the grey (or luma) with the level.
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            using var writer = new BilevelRowWriter(image, options.Mode == ConversionMode.Pillow, options.Level);
            int pitch = width * bytesPerPixel;
            for (int y = 0; y < height; y++)
            {
                if ((y & 63) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                WriteRow(writer, y, pixels.AsSpan(y * pitch, pitch), bytesPerPixel);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }
}
