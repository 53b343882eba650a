using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>Who decodes a TIFF page.</summary>
internal enum TiffRoute
{
    /// <summary><see cref="Tiff1BitReader"/>: one bit per pixel, straight into packed rows.</summary>
    Bilevel,

    /// <summary><see cref="TiffSampleReader"/>: every other layout Pillow 9.4 opens losslessly.</summary>
    Samples,

    /// <summary>ImageSharp: old-style JPEG (6), JPEG (7) layouts <see cref="TiffJpeg"/> does not read, planar YCbCr and CIELab pages.</summary>
    Library,

    /// <summary>
    /// <see cref="TiffSampleReader"/> with each strip or tile decoded by a library (WebP, 50001, by ImageSharp; JPEG, 7,
    /// and old-style JPEG, 6, by libjpeg-turbo): where libraries run.
    /// </summary>
    LibraryStrips,
}

/// <summary>
/// The TIFF side of the intake: reads and checks page <see cref="IntakeOptions.Page"/>'s directory and routes it to
/// our readers (<see cref="Tiff1BitReader"/>, <see cref="TiffSampleReader"/>), which also turn it by its Orientation,
/// or to ImageSharp for the lossy codecs (ImageSharpIntake applies the Orientation there).
/// </summary>
internal static class TiffIntake
{
    // Bytes per pixel held at the peak on each route (DecodeCost): the packed rows; the kept bands of the whole
    // image (at most 4) plus a strip or tile; the library's strip and image buffers.
    private const double BilevelCost = 0.25, LibraryCost = 8.0;

    /// <summary>The header of the requested page, checked: sizes, strips covering every row, what can be read.</summary>
    public static TiffHeader ReadHeader(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        TiffHeader header = TiffHeader.Read(data, options.Page);
        ImageIntake.CheckSize(header.Width, header.Height, options);
        header.CheckStripsInside(data);
        if (TiffOjpeg.Reads(header))
        {
            TiffOjpeg.Check(data, header);
        }

        TiffRoute route = Route(header);
        if (route == TiffRoute.Library && header.Compression == 7)
        {
            CheckJpegStrips(data, header);
        }

        return header with { CheckedRoute = route };
    }

    // ImageSharp 2.1.13 decodes a JPEG-in-TIFF strip with Image.Load, which takes any format it knows: a strip that is
    // itself a TIFF recursed until the stack overflowed (found by the library fuzz target). libtiff's JPEG codec reads
    // only a JPEG stream there and fails on anything else, so a strip that does not start with one (SOI) is refused.
    private static void CheckJpegStrips(ReadOnlySpan<byte> data, TiffHeader header)
    {
        for (int i = 0; i < header.ChunksNeeded; i++)
        {
            long offset = header.ArrayValue(data, header.StripOffsets, i);
            if (offset > data.Length - 2 || data[(int)offset] != 0xFF || data[(int)offset + 1] != 0xD8)
            {
                throw ImageIntakeException.Invalid($"JPEG-compressed {(header.IsTiled ? "tile" : "strip")} {i} at {offset} does not start with a JPEG stream.");
            }
        }
    }

    /// <summary>Who decodes <paramref name="header"/>'s page; refuses (InvalidImage) what nobody reads as Pillow does.</summary>
    public static TiffRoute Route(TiffHeader header)
    {
        if ((header.DirectoryCut || header.ChunkTableCut) && header.Compression != 1)
        {
            // Pillow reads what is left of a cut directory itself, but a compressed page goes to libtiff, which fails.
            throw ImageIntakeException.Invalid($"The TIFF directory at {header.DirectoryOffset} (or its strip table) runs past the end of the file.");
        }

        if (Tiff1BitReader.Reads(header))
        {
            return TiffRoute.Bilevel;
        }

        if (TiffWebp.Reads(header) || ((TiffJpeg.Reads(header) || TiffOjpeg.Reads(header)) && TurboJpeg.IsAvailable))
        {
            return TiffRoute.LibraryStrips;
        }

        if (TiffYCbCr.Reads(header))
        {
            TiffYCbCr.Check(header);
            return TiffRoute.Samples;
        }

        if (header.Compression is 6 or 7 or 50001 || header.Photometric is 6 or 8)
        {
            // ImageSharp 2.1.13 reads neither tiles nor BigTIFF.
            string? unread = header.BigTiff ? "BigTIFF" : header.IsTiled ? "tiled TIFF" : null;
            return unread is null
                ? TiffRoute.Library
                : throw ImageIntakeException.Invalid(
                    $"The image is {unread} with compression {header.Compression} (photometric {header.Photometric}); that codec is read only in strips of a classic TIFF.");
        }

        if (Format(header) is not { } format)
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF sample layout (photometric {header.Photometric}, {header.SamplesPerPixel} samples of {header.BitsPerSample} bits, sample format {header.SampleFormat}, {header.ExtraSamples.Count} extra samples, fill order {header.FillOrder}) is not one Pillow 9.4 opens.");
        }

        if (header.Compression != 1 && format.AsLibtiffDecodes(header) is null)
        {
            throw ImageIntakeException.Invalid(
                $"Pillow 9.4's libtiff decoder fails on planar strips with more samples ({header.SamplesPerPixel}) than its mode has bands.");
        }

        if (header.Compression == 1 && !TiffPixelFormat.PillowUnpacksUncompressed(header, format))
        {
            throw ImageIntakeException.Invalid(
                $"Pillow 9.4 has no raw mode for this uncompressed TIFF layout (photometric {header.Photometric}, {header.SamplesPerPixel} samples of {header.BitsPerSample} bits, planar configuration {header.PlanarConfiguration}, fill order {header.FillOrder}).");
        }

        if (format.Kind == TiffSamples.Bilevel || !TiffSampleReader.Reads(header))
        {
            throw ImageIntakeException.Invalid(
                $"The TIFF compression {header.Compression} with predictor {header.Predictor} is not read for {header.BitsPerSample}-bit samples.");
        }

        return TiffRoute.Samples;
    }

    /// <summary>
    /// The page decoded by our readers and turned by its Orientation, or null when ImageSharp (or, for WebP strips
    /// when <paramref name="librariesHere"/> is false, the decode worker) decodes it.
    /// </summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, TiffHeader header, IntakeOptions options, bool librariesHere, CancellationToken ct) =>
        (header.CheckedRoute ?? Route(header)) switch
        {
            TiffRoute.LibraryStrips when librariesHere => TiffSampleReader.Read(data, header, Format(header)!.Value, options, ct),
            TiffRoute.Bilevel => Tiff1BitReader.TryRead(data, header, ct) is { } image ? TiffOrientation.Apply(image, header.Orientation) : null,
            TiffRoute.Samples => TiffSampleReader.Read(data, header, Format(header)!.Value, options, ct),
            _ => null,
        };

    // The layout Pillow's mode and decoder give this page (uncompressed: its raw decoder; else libtiff's).
    private static TiffPixelFormat? Format(TiffHeader header) =>
        TiffJpeg.Reads(header) ? TiffJpeg.Format(header) :
        TiffYCbCr.Reads(header) || TiffOjpeg.Reads(header) ? TiffYCbCr.Format :
        TiffPixelFormat.Of(header) is { } format && header.Compression != 1 ? format.AsLibtiffDecodes(header) ?? format : TiffPixelFormat.Of(header);

    /// <summary>Width, height and bytes per pixel the decode of page <see cref="IntakeOptions.Page"/> holds at its peak.</summary>
    public static (int Width, int Height, double PerPixel) Cost(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        TiffHeader header = TiffHeader.Read(data, options.Page);
        double perPixel = Route(header) switch
        {
            TiffRoute.Bilevel => BilevelCost,

            // The bands, the raw planes and libtiff's blocks of the whole page, each at most 3 B/px before pooling.
            TiffRoute.LibraryStrips when TiffOjpeg.Reads(header) => 3 * PooledBandBytesPerPixel(header, 3),
            TiffRoute.Samples => PooledBandBytesPerPixel(header, Format(header)!.Value.KeptBands) + ChunkBytesPerPixel(header) + 0.25,
            _ => LibraryCost,
        };
        return (header.Width, header.Height, perPixel);
    }

    // The bands of the whole image, in an array the shared pool rounds up to a power of two (up to twice the bands).
    private static double PooledBandBytesPerPixel(TiffHeader h, int kept)
    {
        ulong pixels = (ulong)Math.Max(1L, (long)Math.Max(1, h.Width) * Math.Max(1, h.Height));
        return System.Numerics.BitOperations.RoundUpToPowerOf2(pixels * (ulong)kept) / (double)pixels;
    }

    // One decoded strip or tile (the reader holds one at a time), spread over the image's pixels.
    private static double ChunkBytesPerPixel(TiffHeader h)
    {
        int perChunk = h.PlanarConfiguration == 2 ? 1 : h.SamplesPerPixel;
        long width = h.IsTiled ? h.TileWidth : h.Width;
        long rows = Math.Min(h.IsTiled ? h.TileLength : Math.Clamp(h.RowsPerStrip, 1, Math.Max(1, h.Height)), Math.Max(1, h.Height));
        double chunk = (((width * perChunk * h.BitsPerSample) + 7) / 8) * (double)rows;
        return chunk / Math.Max(1.0, (double)h.Width * h.Height);
    }

    /// <summary>
    /// The file as ImageSharp must see it, or null when the original will do: the requested page made the first
    /// (the header's directory offset pointed at it; ImageSharp decodes the first frame only).
    /// </summary>
    public static byte[]? ForImageSharp(ReadOnlySpan<byte> data, TiffHeader header)
    {
        if (header.Page == 0)
        {
            return null;
        }

        // Classic TIFF only (BigTIFF never reaches ImageSharp): bytes 4..7 hold the first directory's offset.
        byte[] copy = data.ToArray();
        Span<byte> first = copy.AsSpan(4, 4);
        if (header.LittleEndian)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(first, (uint)header.DirectoryOffset);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(first, (uint)header.DirectoryOffset);
        }

        return copy;
    }
}
