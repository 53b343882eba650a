using System.Buffers;
using System.IO.Compression;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Where a TIFF strip or tile's stored bytes are, and the lossless codecs that expand them (PackBits, LZW, Deflate,
/// LZMA), as libtiff applies them: every decoder is bounded by its input and by the output span the caller sized from
/// the header, and returns how much it wrote, so a short strip is the caller's to refuse.
/// </summary>
internal static class TiffCodecs
{
    /// <summary>Whether <see cref="Decompress"/> reads compression <paramref name="compression"/>.</summary>
    public static bool Reads(int compression) => compression is 5 or 8 or 32946 or 32773 or 34925;

    /// <summary>
    /// Decompresses one PackBits (32773), LZW (5) or Deflate (8, 32946) strip into <paramref name="output"/>; returns
    /// the bytes written. With FillOrder 2, libtiff reverses the bits of the stored bytes before the codec sees them.
    /// </summary>
    internal static int Decompress(ReadOnlySpan<byte> bytes, int compression, bool lsbFirst, Span<byte> output)
    {
        byte[]? reversed = null;
        try
        {
            ReadOnlySpan<byte> stored = bytes;
            if (lsbFirst)
            {
                reversed = ArrayPool<byte>.Shared.Rent(bytes.Length);
                bytes.CopyTo(reversed);
                BitReversal.Reverse(reversed.AsSpan(0, bytes.Length));
                stored = reversed.AsSpan(0, bytes.Length);
            }

            return compression switch
            {
                32773 => UnpackBits(stored, output),
                5 => TiffLzw.Decode(stored, output),
                34925 => TiffLzma.Decode(stored, output),
                _ => Inflate(stored, output),
            };
        }
        finally
        {
            if (reversed is not null)
            {
                ArrayPool<byte>.Shared.Return(reversed);
            }
        }
    }

    // A strip's stored bytes: from its offset, as many as its byte count says, cut at the end of the file (libtiff
    // reads what is there); without byte counts (or uncompressed, which Pillow reads from the offset on), the rest.
    internal static ReadOnlySpan<byte> ChunkBytes(ReadOnlySpan<byte> data, TiffHeader header, int chunk)
    {
        long offset = header.ArrayValue(data, header.StripOffsets, chunk);
        if (offset < 0 || offset >= data.Length)
        {
            throw ImageIntakeException.Invalid($"The TIFF file is truncated: strip {chunk} starts at {offset}, past its end.");
        }

        long available = data.Length - offset;
        long count = header.Compression == 1 || header.StripByteCounts.Count <= chunk
            ? available
            : header.ArrayValue(data, header.StripByteCounts, chunk);
        if (count <= 0 || count > available)
        {
            count = available;
        }

        return data.Slice((int)offset, (int)count);
    }

    /// <summary>PackBits (TIFF compression 32773) into <paramref name="output"/>; returns the bytes written.</summary>
    internal static int UnpackBits(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int i = 0, o = 0;
        while (o < output.Length && i < input.Length)
        {
            int n = (sbyte)input[i++];
            if (n >= 0)
            {
                int take = Math.Min(n + 1, Math.Min(input.Length - i, output.Length - o));
                input.Slice(i, take).CopyTo(output[o..]);
                i += n + 1;
                o += take;
            }
            else if (n != -128 && i < input.Length)
            {
                int take = Math.Min(1 - n, output.Length - o);
                output.Slice(o, take).Fill(input[i++]);
                o += take;
            }
        }

        return o;
    }

    private static int Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(input.Length);
        try
        {
            input.CopyTo(copy);
            using var zlib = new ZLibStream(new MemoryStream(copy, 0, input.Length, writable: false), CompressionMode.Decompress);
            int total = 0;
            try
            {
                int n;
                while (total < output.Length && (n = zlib.Read(output[total..])) > 0)
                {
                    total += n;
                }
            }
            catch (InvalidDataException)
            {
                // A corrupt or cut stream: what inflated so far counts, and the caller refuses a short strip.
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
