using System.Buffers;
using System.Runtime.CompilerServices;
using RleTcp.Protocol.Bits;

namespace RleTcp.Protocol.Codecs.Jbig2;

/// <summary>
/// JBIG2 generic region coding (T.88 6.2): MQ arithmetic coding, template 0 with its default adaptive pixels
/// (3,-1) (-3,-1) (2,-2) (-2,-2), typical prediction (TPGDON) on. In JBIG2 a 1 is black, so rows are inverted from
/// <see cref="BitImage"/>'s on the way in and out.
/// </summary>
internal static class Jbig2Generic
{
    /// <summary>The context T.88 gives the SLTP bit of template 0 (6.2.5.7).</summary>
    private const int SltpContext = 0x9B25;

    /// <summary>The default AT pixels of template 0, as written in a generic region segment: A1x A1y .. A4x A4y.</summary>
    public static ReadOnlySpan<byte> DefaultAtPixels => [3, unchecked((byte)-1), unchecked((byte)-3), unchecked((byte)-1), 2, unchecked((byte)-2), unchecked((byte)-2), unchecked((byte)-2)];

    /// <summary>Encodes the whole image; the result is the region's arithmetically coded data, ending 0xFF 0xAC.</summary>
    public static MqEncoder Encode(BitImage image)
    {
        int width = image.Width;
        int words = image.WordsPerRow;
        var encoder = new MqEncoder((int)Math.Min(image.PixelCount / 32, 1 << 24));
        byte[] contexts = ArrayPool<byte>.Shared.Rent(1 << 16);
        // Three rows (y-2, y-1, y) in JBIG2 polarity, each with a zero word past its end so x+4 never needs a check.
        ulong[] rows = ArrayPool<ulong>.Shared.Rent(3 * (words + 1));
        try
        {
            Array.Clear(contexts, 0, 1 << 16);
            Array.Clear(rows, 0, 3 * (words + 1));
            Span<ulong> r2 = rows.AsSpan(0, words + 1), r1 = rows.AsSpan(words + 1, words + 1), r0 = rows.AsSpan(2 * (words + 1), words + 1);
            int ltp = 0;
            for (int y = 0; y < image.Height; y++)
            {
                BitRows.Invert(image.Row(y), r0, image.LastWordMask);
                int typical = r0[..words].SequenceEqual(r1[..words]) ? 1 : 0;
                encoder.Encode(ref contexts[SltpContext], typical ^ ltp);
                ltp = typical;
                if (typical == 0)
                {
                    EncodeRow(encoder, contexts, r2, r1, r0, width);
                }

                // Rotate: y-1 becomes y-2, y becomes y-1; the old y-2 buffer is overwritten next row.
                Span<ulong> oldest = r2;
                r2 = r1;
                r1 = r0;
                r0 = oldest;
            }

            encoder.Flush();
            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(contexts);
            ArrayPool<ulong>.Shared.Return(rows);
        }
    }

    // Hot loop: compiled fully optimised at once, so a first large image does not run it unoptimised (tiered JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncodeRow(MqEncoder encoder, byte[] contexts, ReadOnlySpan<ulong> r2, ReadOnlySpan<ulong> r1, ReadOnlySpan<ulong> r0, int width)
    {
        // Sliding windows: w2 = row y-2 pixels x-2..x+2, w1 = row y-1 x-3..x+3, w0 = row y x-4..x-1, leftmost highest.
        // The pixels entering the windows (y-2 at x+3, y-1 at x+4, y at x) come from 64-bit registers loaded once per
        // 64 pixels, so a pixel costs three shifts and the coder, not three word look-ups.
        uint w2 = (Pixel(r2, 0) << 2) | (Pixel(r2, 1) << 1) | Pixel(r2, 2);
        uint w1 = (Pixel(r1, 0) << 3) | (Pixel(r1, 1) << 2) | (Pixel(r1, 2) << 1) | Pixel(r1, 3);
        uint w0 = 0;
        ref byte context = ref contexts[0];
        for (int block = 0; block << 6 < width; block++)
        {
            int x0 = block << 6;
            ulong next2 = Bits64(r2, x0 + 3);
            ulong next1 = Bits64(r1, x0 + 4);
            ulong current = r0[block];
            int count = Math.Min(64, width - x0);
            for (int j = 0; j < count; j++)
            {
                uint bit = (uint)(current >> 63);
                encoder.Encode(ref Unsafe.Add(ref context, (int)((w2 << 11) | (w1 << 4) | w0)), (int)bit);
                w2 = ((w2 << 1) | (uint)(next2 >> 63)) & 0x1F;
                w1 = ((w1 << 1) | (uint)(next1 >> 63)) & 0x7F;
                w0 = ((w0 << 1) | bit) & 0xF;
                next2 <<= 1;
                next1 <<= 1;
                current <<= 1;
            }
        }
    }

    // The 64 pixels of a row from x = start on, MSB first (the row has a zero word past its end).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits64(ReadOnlySpan<ulong> row, int start)
    {
        int word = start >> 6, shift = start & 63;
        return shift == 0 ? row[word] : (row[word] << shift) | (word + 1 < row.Length ? row[word + 1] >> (64 - shift) : 0);
    }

    /// <summary>
    /// Decodes a region the size of <paramref name="image"/> into it (already
    /// allocated, all white). The work is bounded by the pixel count, whatever the data holds.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> data, BitImage image)
    {
        int width = image.Width;
        int words = image.WordsPerRow;
        byte[] contexts = ArrayPool<byte>.Shared.Rent(1 << 16);
        ulong[] rows = ArrayPool<ulong>.Shared.Rent(3 * (words + 1));
        try
        {
            Array.Clear(contexts, 0, 1 << 16);
            Array.Clear(rows, 0, 3 * (words + 1));
            Span<ulong> r2 = rows.AsSpan(0, words + 1), r1 = rows.AsSpan(words + 1, words + 1), r0 = rows.AsSpan(2 * (words + 1), words + 1);
            var decoder = new MqDecoder(data);
            int ltp = 0;
            for (int y = 0; y < image.Height; y++)
            {
                ltp ^= decoder.Decode(ref contexts[SltpContext]);
                if (ltp == 1)
                {
                    r1.CopyTo(r0);
                }
                else
                {
                    r0.Clear();
                    DecodeRow(ref decoder, contexts, r2, r1, r0, width);
                }

                BitRows.Invert(r0[..words], image.Row(y), image.LastWordMask);
                Span<ulong> oldest = r2;
                r2 = r1;
                r1 = r0;
                r0 = oldest;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(contexts);
            ArrayPool<ulong>.Shared.Return(rows);
        }
    }

    // Hot loop: compiled fully optimised at once, so a first large image does not run it unoptimised (tiered JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeRow(ref MqDecoder decoder, byte[] contexts, ReadOnlySpan<ulong> r2, ReadOnlySpan<ulong> r1, Span<ulong> r0, int width)
    {
        uint w2 = (Pixel(r2, 0) << 2) | (Pixel(r2, 1) << 1) | Pixel(r2, 2);
        uint w1 = (Pixel(r1, 0) << 3) | (Pixel(r1, 1) << 2) | (Pixel(r1, 2) << 1) | Pixel(r1, 3);
        uint w0 = 0;
        for (int x = 0; x < width; x++)
        {
            uint bit = (uint)decoder.Decode(ref contexts[(int)((w2 << 11) | (w1 << 4) | w0)]);
            if (bit != 0)
            {
                r0[x >> 6] |= BitImage.BitFor(x);
            }

            w2 = ((w2 << 1) | Pixel(r2, x + 3)) & 0x1F;
            w1 = ((w1 << 1) | Pixel(r1, x + 4)) & 0x7F;
            w0 = ((w0 << 1) | bit) & 0xF;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Pixel(ReadOnlySpan<ulong> row, int x) => (uint)(row[x >> 6] >> (63 - (x & 63))) & 1;
}
