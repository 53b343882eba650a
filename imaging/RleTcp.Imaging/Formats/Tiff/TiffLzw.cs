namespace RleTcp.Imaging.Formats;

/// <summary>
/// TIFF LZW (compression 5) as libtiff decodes it: codes MSB first from 9 to 12 bits, 256 clears the table, 257 ends
/// the strip, and the code width grows one code early (at 511, 1023, 2047). Bounded by the input and the output
/// span: a corrupt code ends the strip, and the caller refuses a strip that came out short.
/// </summary>
internal static class TiffLzw
{
    private const int Clear = 256, End = 257, First = 258, MaxCodes = 4096;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns the bytes written.</summary>
    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // 20 KB of tables on the stack: this runs once per strip, and a strip is often one row.
        Span<short> prefix = stackalloc short[MaxCodes];
        Span<byte> suffix = stackalloc byte[MaxCodes];
        Span<short> length = stackalloc short[MaxCodes];
        Span<byte> scratch = stackalloc byte[MaxCodes];
        prefix.Clear();
        suffix.Clear();
        length.Clear();
        for (int i = 0; i < 256; i++)
        {
            suffix[i] = (byte)i;
            length[i] = 1;
        }

        long bit = 0, bits = (long)input.Length * 8;
        int width = 9, next = First, old = -1, written = 0;
        while (written < output.Length && bit + width <= bits)
        {
            int code = 0;
            for (int i = 0; i < width; i++, bit++)
            {
                code = (code << 1) | ((input[(int)(bit >> 3)] >> (7 - (int)(bit & 7))) & 1);
            }

            if (code == End)
            {
                break;
            }

            if (code == Clear)
            {
                (width, next, old) = (9, First, -1);
                continue;
            }

            int emit;
            if (old < 0)
            {
                if (code >= 256)
                {
                    break; // a corrupt first code
                }

                emit = code;
            }
            else if (code < next)
            {
                emit = code;
            }
            else if (code == next && next < MaxCodes)
            {
                emit = -1; // the string of old plus its own first byte (KwKwK)
            }
            else
            {
                break;
            }

            // The string, written back to front into the scratch buffer, then copied as far as the output goes.
            int c = emit >= 0 ? emit : old;
            int n = length[c] + (emit >= 0 ? 0 : 1);
            int at = length[c] - 1;
            for (; c >= First; c = prefix[c])
            {
                scratch[at--] = suffix[c];
            }

            scratch[at] = (byte)c;
            if (emit < 0)
            {
                scratch[n - 1] = scratch[0];
            }

            int take = Math.Min(n, output.Length - written);
            scratch[..take].CopyTo(output[written..]);
            written += take;

            if (old >= 0 && next < MaxCodes)
            {
                prefix[next] = (short)old;
                suffix[next] = scratch[0];
                length[next] = (short)(length[old] + 1);
                next++;
                if (next >= (1 << width) - 1 && width < 12)
                {
                    width++;
                }
            }

            old = code;
        }

        return written;
    }
}
