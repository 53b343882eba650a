using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The TIFF side of the intake: reads and checks page <see cref="IntakeOptions.Page"/>'s directory, decodes
/// bilevel pages itself (<see cref="Tiff1BitReader"/>) and turns them by their Orientation; other pages go on to
/// ImageSharp with the header's mode (ImageSharpIntake applies the Orientation there).
/// </summary>
internal static class TiffIntake
{
    /// <summary>The header of the requested page, checked: sizes, strips covering every row, what can be read.</summary>
    public static TiffHeader ReadHeader(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        TiffHeader header = TiffHeader.Read(data, options.Page);
        ImageIntake.CheckSize(header.Width, header.Height, options);
        header.CheckStripsInside(data);
        if (!Tiff1BitReader.Reads(header))
        {
            // ImageSharp 2.1.13 reads none of these; only the bilevel reader here does.
            string? unread = header.BigTiff ? "BigTIFF" : header.IsTiled ? "tiled TIFF" : null;
            if (unread is not null)
            {
                throw ImageIntakeException.Invalid(
                    $"The image is {unread} with {header.BitsPerSample}-bit samples (photometric {header.Photometric}, compression {header.Compression}); only bilevel images are read in that layout.");
            }
        }

        return header;
    }

    /// <summary>The bilevel image turned by its Orientation, or null when ImageSharp decodes this page.</summary>
    public static BitImage? TryRead(ReadOnlySpan<byte> data, TiffHeader header, CancellationToken ct) =>
        Tiff1BitReader.TryRead(data, header, ct) is { } image ? TiffOrientation.Apply(image, header.Orientation) : null;

    /// <summary>
    /// The file as ImageSharp must see it to give Pillow's pixels, or null when the original will do: the requested
    /// page made the first (the header's directory offset pointed at it; ImageSharp decodes the first frame only),
    /// the colour map rewritten to Pillow's values, short byte counts of uncompressed strips raised.
    /// </summary>
    public static byte[]? ForImageSharp(ReadOnlySpan<byte> data, TiffHeader header)
    {
        byte[]? copy = null;
        Span<byte> Copy(ReadOnlySpan<byte> source) => copy ??= source.ToArray();

        if (header.Page > 0)
        {
            // Classic TIFF only (BigTIFF never reaches ImageSharp): bytes 4..7 hold the first directory's offset.
            Span<byte> first = Copy(data).Slice(4, 4);
            if (header.LittleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(first, (uint)header.DirectoryOffset);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(first, (uint)header.DirectoryOffset);
            }
        }

        if (header.PillowMode == PillowMode.Palette && header.ColorMap.Count > 2)
        {
            // Only copied when there is a map to rewrite.
            header.WritePillowColorMap(Copy(data));
        }

        if (header.Compression == 1 && NeedsByteCounts(data, header))
        {
            header.WriteUncompressedByteCounts(Copy(data));
        }

        return copy;
    }

    private static bool NeedsByteCounts(ReadOnlySpan<byte> data, TiffHeader header)
    {
        if (header.StripByteCounts.ValueSize is not (2 or 4) || header.StripByteCounts.Count < header.ChunksNeeded)
        {
            return false;
        }

        for (int i = 0; i < header.ChunksNeeded; i++)
        {
            if (header.ArrayValue(data, header.StripByteCounts, i) < header.UncompressedChunkBytes(i))
            {
                return true;
            }
        }

        return false;
    }
}
