using System.Buffers;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// TIFF LZMA (compression 34925) as libtiff's <c>tif_lzma.c</c> writes it: each strip is an .xz stream whose one block
/// runs the Delta filter (distance: the bytes of a sample) and then LZMA2. The container is read here (SharpCompress's
/// XZStream has no Delta filter); the LZMA2 data goes to SharpCompress's decoder with a dictionary no larger than the
/// strip (a hostile header cannot make it allocate more), and the delta is undone in place.
/// </summary>
internal static class TiffLzma
{
    private const ulong DeltaFilter = 0x03, Lzma2Filter = 0x21;

    /// <summary>Decodes one strip into <paramref name="output"/>; returns the bytes written (0 for a malformed stream).</summary>
    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // Stream header: magic FD 37 7A 58 5A 00, two flag bytes, CRC32. Then the block header.
        if (input.Length < 12 + 8 || !input[..6].SequenceEqual((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
        {
            return 0;
        }

        int at = 12;
        int headerSize = (input[at] + 1) * 4;
        if (input[at] == 0 || at + headerSize > input.Length)
        {
            return 0;
        }

        ReadOnlySpan<byte> header = input.Slice(at, headerSize - 4);
        int flags = header[1], p = 2;
        long compressedSize = -1;
        if ((flags & 0x40) != 0)
        {
            if (!VarInt(header, ref p, out ulong size))
            {
                return 0;
            }

            compressedSize = (long)Math.Min(size, long.MaxValue);
        }

        if ((flags & 0x80) != 0 && !VarInt(header, ref p, out _))
        {
            return 0;
        }

        int delta = 0;
        byte? dictionary = null;
        for (int f = 0; f <= (flags & 3); f++)
        {
            if (!VarInt(header, ref p, out ulong id) || !VarInt(header, ref p, out ulong propsSize) || propsSize > (ulong)(header.Length - p))
            {
                return 0;
            }

            if (id == DeltaFilter && propsSize == 1 && dictionary is null)
            {
                delta = header[p] + 1;
            }
            else if (id == Lzma2Filter && propsSize == 1 && f == (flags & 3))
            {
                dictionary = header[p];
            }
            else
            {
                return 0; // a filter libtiff does not write
            }

            p += (int)propsSize;
        }

        if (dictionary is not { } dict || dict > 40)
        {
            return 0;
        }

        int start = at + headerSize;
        int written = Lzma2(input[start..], compressedSize, Math.Min(dict, SmallestDictionary(output.Length)), output);
        for (int i = delta; delta > 0 && i < written; i++)
        {
            output[i] += output[i - delta];
        }

        return written;
    }

    // The LZMA2 dictionary byte d means (2 | (d & 1)) << (d / 2 + 11) bytes; a dictionary as large as the whole
    // output decodes the same data as any larger one.
    private static byte SmallestDictionary(int length)
    {
        byte d = 0;
        while (d < 40 && ((2L | (d & 1L)) << ((d / 2) + 11)) < length)
        {
            d++;
        }

        return d;
    }

    private static int Lzma2(ReadOnlySpan<byte> data, long compressedSize, byte dictionary, Span<byte> output)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(data.Length);
        int total = 0;
        try
        {
            data.CopyTo(copy);
            long inputSize = compressedSize >= 0 && compressedSize <= data.Length ? compressedSize : data.Length;
            using var source = new MemoryStream(copy, 0, data.Length, writable: false);
            using var lzma = SharpCompress.Compressors.LZMA.LzmaStream.Create([dictionary], source, inputSize, output.Length, true);
            int n;
            while (total < output.Length && (n = lzma.Read(output[total..])) > 0)
            {
                total += n;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A corrupt or cut stream (the decoder throws its own types): what decoded so far counts.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }

        return total;
    }

    private static bool VarInt(ReadOnlySpan<byte> bytes, ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 63 && at < bytes.Length; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
