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
            string? unread = header.BigTiff ? "BigTIFF" : header.IsTiled ? "tiled TIFF" : header.Page > 0 ? "a TIFF page after the first" : null;
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
}
