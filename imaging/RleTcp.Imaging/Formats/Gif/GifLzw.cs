namespace RleTcp.Imaging.Formats;

/// <summary>
/// A GIF frame's LZW data into its rectangle of an index canvas, as Pillow 9.4 decodes it: bounded by the data (each
/// code is read from the sub-blocks at most once), and refused unless every pixel of the frame is in it, in
/// sub-blocks that are whole (a last sub-block cut by the end of the file is not decoded, as in Pillow).
/// </summary>
internal static class GifLzw
{
    /// <summary>The widest LZW code.</summary>
    public const int MaxCodeBits = 12;

    /// <summary>
    /// The LZW data of <paramref name="frame"/> written into its rectangle of <paramref name="canvas"/> (clipped to
    /// it), leaving out <paramref name="skip"/>; throws unless every pixel of the frame comes from the data.
    /// </summary>
    public static void DecodeFrame(ReadOnlySpan<byte> data, GifFrame frame, Span<byte> canvas, int width, int height, int? skip, CancellationToken ct)
    {
        int clear = 1 << frame.MinCodeSize, end = clear + 1;
        Span<ushort> prefix = stackalloc ushort[1 << MaxCodeBits];
        Span<byte> suffix = stackalloc byte[1 << MaxCodeBits];
        Span<byte> stack = stackalloc byte[(1 << MaxCodeBits) + 1];
        for (int i = 0; i < clear; i++)
        {
            suffix[i] = (byte)i;
        }

        int codeBits = frame.MinCodeSize + 1, next = end + 1, previous = -1;
        byte firstOfPrevious = 0;
        long total = (long)frame.Width * frame.Height, written = 0;
        int col = 0, rowIndex = 0, pass = 0;
        int row = 0, rowStep = frame.Interlaced ? 8 : 1;

        int pos = frame.DataOffset, blockLeft = 0;
        uint bitBuffer = 0;
        int bitCount = 0;
        while (written < total)
        {
            // Refill the bit buffer from the sub-blocks.
            while (bitCount < codeBits)
            {
                if (blockLeft == 0)
                {
                    if (pos >= data.Length || data[pos] == 0)
                    {
                        throw Truncated(written, total);
                    }

                    // Pillow's decoder starts no sub-block it does not hold whole ("We don't start decoding unless
                    // we have a full block"): the bytes of one cut by the end of the file are never pixels.
                    if (pos + 1 + data[pos] > data.Length)
                    {
                        throw Truncated(written, total);
                    }

                    blockLeft = data[pos++];
                }

                if (pos >= data.Length)
                {
                    throw Truncated(written, total);
                }

                bitBuffer |= (uint)data[pos++] << bitCount;
                bitCount += 8;
                blockLeft--;
            }

            int code = (int)(bitBuffer & ((1u << codeBits) - 1));
            bitBuffer >>= codeBits;
            bitCount -= codeBits;
            if (code == clear)
            {
                codeBits = frame.MinCodeSize + 1;
                next = end + 1;
                previous = -1;
                continue;
            }

            if (code == end)
            {
                throw Truncated(written, total);
            }

            int depth = 0, current = code;
            if (previous < 0)
            {
                if (code >= clear)
                {
                    throw ImageIntakeException.Invalid("The GIF LZW data is corrupt: a string code follows a clear code.");
                }

                stack[depth++] = (byte)code;
            }
            else
            {
                if (code > next || (code == next && next >= 1 << MaxCodeBits))
                {
                    throw ImageIntakeException.Invalid("The GIF LZW data is corrupt: a code not yet defined.");
                }

                if (code == next)
                {
                    // KwKwK: the previous string plus its own first byte.
                    stack[depth++] = firstOfPrevious;
                    current = previous;
                }

                while (current >= clear)
                {
                    stack[depth++] = suffix[current];
                    current = prefix[current];
                }

                stack[depth++] = (byte)current;
                if (next < 1 << MaxCodeBits)
                {
                    prefix[next] = (ushort)previous;
                    suffix[next] = (byte)current;
                    next++;
                    if (next == 1 << codeBits && codeBits < MaxCodeBits)
                    {
                        codeBits++;
                    }
                }
            }

            firstOfPrevious = stack[depth - 1];
            previous = code;
            // The string comes out of the stack last byte first.
            while (depth > 0 && written < total)
            {
                byte index = stack[--depth];
                int x = frame.X + col, y = frame.Y + row;
                if (x < width && y < height && index != skip)
                {
                    canvas[(y * width) + x] = index;
                }

                written++;
                if (++col == frame.Width)
                {
                    col = 0;
                    rowIndex++;
                    if ((rowIndex & 255) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }

                    row += rowStep;
                    while (frame.Interlaced && row >= frame.Height && pass < 3)
                    {
                        pass++;
                        (row, rowStep) = pass switch { 1 => (4, 8), 2 => (2, 4), _ => (1, 2) };
                    }
                }
            }
        }
    }

    private static ImageIntakeException Truncated(long written, long total) =>
        ImageIntakeException.Invalid($"The GIF image data is truncated: it ends after {written} of the frame's {total} pixels.");
}
