using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// TIFF Orientation (tag 274) applied as Pillow 9.4 applies it on load (TiffImagePlugin.load_end): 2 mirror,
/// 3 rotate 180, 4 flip, 5 transpose, 6 <c>ROTATE_270</c> (a quarter turn clockwise), 7 transverse,
/// 8 <c>ROTATE_90</c> (a quarter turn counter-clockwise). Pillow turns the decoded pixels before
/// <c>convert('1')</c>, so a dithered image must be turned before it is dithered.
/// </summary>
internal static class TiffOrientation
{
    /// <summary>Whether <paramref name="orientation"/> swaps width and height (5 to 8).</summary>
    public static bool SwapsSides(int orientation) => orientation is >= 5 and <= 8;

    /// <summary>The source pixel that lands on (<paramref name="x"/>, <paramref name="y"/>) of the turned image,
    /// for a source of <paramref name="w"/> x <paramref name="h"/>.</summary>
    public static (int X, int Y) Source(int orientation, int x, int y, int w, int h) => orientation switch
    {
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (y, h - 1 - x),
        7 => (w - 1 - y, h - 1 - x),
        8 => (w - 1 - y, x),
        _ => (x, y),
    };

    /// <summary>
    /// The turned image, a word or an 8x8 block at a time: 5-8 are the transpose (a new image; <paramref name="image"/>
    /// is disposed) then 6 mirrored, 7 turned half round, 8 flipped; 2-4 turn <paramref name="image"/> in place.
    /// </summary>
    public static BitImage Apply(BitImage image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        BitImage turned = image;
        if (SwapsSides(orientation))
        {
            using (image)
            {
                turned = Transpose(image);
            }
        }

        if (orientation is 2 or 3 or 6 or 7)
        {
            for (int y = 0; y < turned.Height; y++)
            {
                Mirror(turned.Row(y), turned.Width);
            }
        }

        if (orientation is 3 or 4 or 7 or 8)
        {
            Flip(turned);
        }

        return turned;
    }

    // Row y of the result is column y of the source: each 8x8 block of bits transposed in one 64-bit word.
    private static BitImage Transpose(BitImage source)
    {
        int w = source.Width, h = source.Height;
        BitImage result = BitImage.CreatePooled(h, w);
        try
        {
            for (int y0 = 0; y0 < h; y0 += 8)
            {
                for (int x0 = 0; x0 < w; x0 += 8)
                {
                    ulong block = 0;
                    for (int k = 0; k < 8 && y0 + k < h; k++)
                    {
                        block |= ((source.Row(y0 + k)[x0 >> 6] >> (56 - (x0 & 63))) & 0xFF) << (56 - (8 * k));
                    }

                    if (block == 0)
                    {
                        continue;
                    }

                    block = Transpose8(block);
                    for (int k = 0; k < 8 && x0 + k < w; k++)
                    {
                        result.Row(x0 + k)[y0 >> 6] |= ((block >> (56 - (8 * k))) & 0xFF) << (56 - (y0 & 63));
                    }
                }
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    // An 8x8 bit matrix, row k in byte k from the top, column j in bit j from the top of its byte (Hacker's Delight).
    private static ulong Transpose8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
    }

    // Reverses a row's bits: the words in reverse order, each reversed, then shifted left over the padding.
    private static void Mirror(Span<ulong> row, int width)
    {
        row.Reverse();
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = ReverseBits(row[i]);
        }

        int pad = (row.Length * 64) - width;
        if (pad == 0)
        {
            return;
        }

        for (int i = 0; i < row.Length; i++)
        {
            row[i] = (row[i] << pad) | (i + 1 < row.Length ? row[i + 1] >> (64 - pad) : 0);
        }
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }

    private static void Flip(BitImage image)
    {
        int words = image.WordsPerRow;
        ulong[] spare = System.Buffers.ArrayPool<ulong>.Shared.Rent(words);
        try
        {
            Span<ulong> temp = spare.AsSpan(0, words);
            for (int top = 0, bottom = image.Height - 1; top < bottom; top++, bottom--)
            {
                image.Row(top).CopyTo(temp);
                image.Row(bottom).CopyTo(image.Row(top));
                temp.CopyTo(image.Row(bottom));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(spare);
        }
    }

    /// <summary>The turned image; <paramref name="image"/> is disposed when a new one replaces it.</summary>
    public static Image<TPixel> Apply<TPixel>(Image<TPixel> image, int orientation)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        int w = image.Width, h = image.Height;
        var turned = SwapsSides(orientation)
            ? new Image<TPixel>(image.GetConfiguration(), h, w)
            : new Image<TPixel>(image.GetConfiguration(), w, h);
        using (image)
        {
            for (int y = 0; y < turned.Height; y++)
            {
                Span<TPixel> row = turned.DangerousGetPixelRowMemory(y).Span;
                for (int x = 0; x < row.Length; x++)
                {
                    (int sx, int sy) = Source(orientation, x, y, w, h);
                    row[x] = image[sx, sy];
                }
            }
        }

        return turned;
    }
}
