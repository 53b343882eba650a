using System.Buffers;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Old-style JPEG (compression 6) in its common form: JPEGInterchangeFormat (513) and its length (514) hold a whole
/// JPEG stream, and the page's one strip lies inside it. Pillow 9.4 reads it through libtiff's OJPEG codec and RGBA
/// interface: libjpeg decodes the stream to raw YCbCr planes (no upsampling, no colour conversion), the luma
/// sampling of its frame replaces YCbCrSubsampling, and <see cref="TiffYCbCr"/>'s tables and block placement
/// convert it. Here libjpeg-turbo gives the same planes (<see cref="TurboJpegReader.TryDecodeYuv"/>, in the decode
/// worker), which become libtiff's blocks. Other forms (tables in tags 519-521, several strips) are refused.
/// </summary>
internal static class TiffOjpeg
{
    /// <summary>Whether the page is old-style JPEG with a JPEGInterchangeFormat stream (checked in <see cref="Check"/>).</summary>
    public static bool Reads(TiffHeader h) => h.Compression == 6 && h.JpegInterchangeFormat.Offset > 0;

    /// <summary>Refuses (InvalidImage) the layouts not read here, before anything is decoded.</summary>
    public static void Check(ReadOnlySpan<byte> data, TiffHeader h)
    {
        (long offset, long length) = h.JpegInterchangeFormat;
        if (h.Photometric != 6 || h.BitsPerSample != 8 || h.SamplesPerPixel != 3 || h.PlanarConfiguration != 1 || h.ExtraSamples.Count != 0
            || h.IsTiled || h.ChunksNeeded != 1)
        {
            throw ImageIntakeException.Invalid(
                $"The old-style JPEG TIFF page (photometric {h.Photometric}, {h.SamplesPerPixel} samples, {h.ChunksNeeded} strips) is read only as one YCbCr strip of 3 8-bit samples.");
        }

        long strip = h.ArrayValue(data, h.StripOffsets, 0);
        if (length < 4 || offset + length > data.Length || strip < offset || strip >= offset + length)
        {
            throw ImageIntakeException.Invalid(
                $"The old-style JPEG stream ({length} bytes at {offset}) does not lie in the {data.Length}-byte file around its strip at {strip}.");
        }
    }

    /// <summary>Decodes the stream into the image's RGB <paramref name="bands"/> as libtiff converts it.</summary>
    public static void Decode(ReadOnlySpan<byte> data, TiffHeader h, byte[] bands, CancellationToken ct)
    {
        Check(data, h);
        Span<int> tables = stackalloc int[TiffYCbCr.TableLength];
        TiffYCbCr.Tables(data, h, tables);
        (long offset, long length) = h.JpegInterchangeFormat;
        int width = h.Width, height = h.Height;
        byte[] planes = TurboJpegReader.TryDecodeYuv(data.Slice((int)offset, (int)length), (long)width * height, out int w, out int ht, out (int H, int V) sub)
            ?? throw ImageIntakeException.Invalid("The old-style JPEG stream of the TIFF is corrupt, truncated, not YCbCr or of a sampling libtiff does not convert.");
        byte[]? blocks = null;
        try
        {
            if (w != width || ht != height)
            {
                throw ImageIntakeException.Invalid($"The old-style JPEG stream is {w}x{ht}; the TIFF page is {width}x{height}.");
            }

            ct.ThrowIfCancellationRequested();
            (int sh, int sv) = sub;
            int across = (width + sh - 1) / sh, down = (height + sv - 1) / sv, lumaWidth = across * sh, blockBytes = (sh * sv) + 2;
            blocks = ArrayPool<byte>.Shared.Rent(across * down * blockBytes);
            ReadOnlySpan<byte> luma = planes.AsSpan(0, lumaWidth * down * sv);
            ReadOnlySpan<byte> cb = planes.AsSpan(luma.Length, across * down), cr = planes.AsSpan(luma.Length + (across * down), across * down);

            // libtiff's OJPEG raw layout: each block's sh x sv luma samples, then its Cb and Cr.
            int at = 0;
            for (int by = 0; by < down; by++)
            {
                for (int bx = 0; bx < across; bx++)
                {
                    for (int j = 0; j < sv; j++)
                    {
                        luma.Slice((((by * sv) + j) * lumaWidth) + (bx * sh), sh).CopyTo(blocks.AsSpan(at));
                        at += sh;
                    }

                    blocks[at++] = cb[(by * across) + bx];
                    blocks[at++] = cr[(by * across) + bx];
                }
            }

            TiffYCbCr.ConvertChunk(tables, blocks, h, sub, width, (0, 0, width, height), bands);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(planes);
            if (blocks is not null)
            {
                ArrayPool<byte>.Shared.Return(blocks);
            }
        }
    }
}
