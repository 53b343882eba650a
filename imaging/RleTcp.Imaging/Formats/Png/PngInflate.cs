using System.Buffers;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A non-interlaced PNG's image data inflated in one call by libdeflate (<see cref="LibDeflate"/>), for
/// <see cref="PngReader"/>: the buffer holds a zero row (the row above the first) and then every scanline with its
/// filter byte. Returns null wherever the streaming <c>ZLibStream</c> path must decide instead, so both paths
/// accept and refuse exactly the same files with the same messages.
/// </summary>
internal static class PngInflate
{
    // What the whole-image buffer (plus a joined copy of split IDAT chunks) may hold per pixel: inside the 5.5 B/px
    // DecodeCost charges a PNG, so the decode budget that admitted the image covers it.
    private const long MaxBytesPerPixel = 5;

    /// <summary>Whether PNG image data inflates through libdeflate in this process (false: <c>ZLibStream</c> only).</summary>
    public static bool IsNative => LibDeflate.IsAvailable;

    /// <summary>
    /// A buffer from <see cref="ArrayPool{T}.Shared"/> for a zero row (cleared) and then every scanline of the image
    /// with its filter byte, which the caller returns; null when it and <paramref name="extraBytes"/> more (a joined
    /// copy of the compressed data) would exceed the per-pixel allowance.
    /// </summary>
    public static byte[]? RentBuffer(PngHeader header, long extraBytes)
    {
        long stride = header.RowBytes(header.Width) + 1;
        long bytes = stride * (header.Height + 1L);
        if (bytes + extraBytes > MaxBytesPerPixel * header.Width * (long)header.Height || bytes > Array.MaxLength)
        {
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)bytes);
        Array.Clear(buffer, 0, (int)stride);
        return buffer;
    }

    /// <summary>
    /// Every scanline of the image after a zero row, in a buffer from <see cref="ArrayPool{T}.Shared"/> that the caller
    /// returns; null when libdeflate is missing, the buffers would exceed the per-pixel allowance, or the stream is not
    /// exactly the image (corrupt, cut short, or longer): the managed inflater then reads it and gives its verdict.
    /// </summary>
    public static byte[]? Whole(List<ReadOnlyMemory<byte>> idat, PngHeader header)
    {
        if (!LibDeflate.IsAvailable || idat.Count == 0)
        {
            return null;
        }

        long stride = header.RowBytes(header.Width) + 1;
        long imageBytes = stride * header.Height;
        long compressed = 0;
        foreach (ReadOnlyMemory<byte> chunk in idat)
        {
            compressed += chunk.Length;
        }

        byte[]? output = RentBuffer(header, idat.Count > 1 ? compressed : 0);
        if (output is null)
        {
            return null;
        }

        byte[]? input = null;
        try
        {
            ReadOnlySpan<byte> source = idat[0].Span;
            if (idat.Count > 1)
            {
                input = ArrayPool<byte>.Shared.Rent((int)compressed);
                int at = 0;
                foreach (ReadOnlyMemory<byte> chunk in idat)
                {
                    chunk.Span.CopyTo(input.AsSpan(at));
                    at += chunk.Length;
                }

                source = input.AsSpan(0, at);
            }

            int result = LibDeflate.ZlibDecompress(source, output.AsSpan((int)stride, (int)imageBytes), out int written);
            if (result != LibDeflate.Success || written != imageBytes)
            {
                // Corrupt, cut short, or more data than the image: what ZLibStream makes of it is the rule (a row with
                // an unknown filter before the end, say, is refused for that rather than for the end). Also when no
                // decompressor could be made: ZLibStream needs less memory.
                ArrayPool<byte>.Shared.Return(output);
                return null;
            }

            return output;
        }
        finally
        {
            if (input is not null)
            {
                ArrayPool<byte>.Shared.Return(input);
            }
        }
    }
}
