using System.Buffers;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging;

/// <summary>
/// Pillow 9.4's rules for turning one row of 8-bit values into black and white (libImaging/Convert.c):
/// a threshold (<c>value &gt;= 128</c>, as <c>p2bit</c>/<c>l2bit</c>) and the Floyd–Steinberg error diffusion of
/// <c>tobilevel</c>, reproduced operation for operation so that the bits are identical.
/// </summary>
internal static class PillowBilevel
{
    /// <summary>ITU-R 601-2 luma scaled by 1000, as Pillow's <c>L()</c> macro: <c>R*299 + G*587 + B*114</c>.</summary>
    public static int Luma1000(byte r, byte g, byte b) => (r * 299) + (g * 587) + (b * 114);

    /// <summary>Packs <c>value &gt;= 128</c> as white, MSB first, into <paramref name="packed"/>.</summary>
    public static void Threshold(ReadOnlySpan<byte> values, Span<byte> packed) => Threshold(values, packed, 128);

    /// <summary>Packs <c>value &gt;= level</c> as white, MSB first, into <paramref name="packed"/>.</summary>
    public static void Threshold(ReadOnlySpan<byte> values, Span<byte> packed, byte level)
    {
        packed[..BitImage.BytesPerPackedRow(values.Length)].Clear();
        for (int x = 0; x < values.Length; x++)
        {
            if (values[x] >= level)
            {
                packed[x >> 3] |= (byte)(0x80 >> (x & 7));
            }
        }
    }

    /// <summary>
    /// One row of <c>tobilevel</c>. <paramref name="errors"/> has <c>width + 1</c> entries, zero before the first row,
    /// and carries the diffused error from row to row.
    /// </summary>
    public static void Dither(ReadOnlySpan<byte> values, Span<int> errors, Span<byte> packed)
    {
        packed[..BitImage.BytesPerPackedRow(values.Length)].Clear();
        int l = 0, l0 = 0, l1 = 0;
        int x = 0;
        for (; x < values.Length; x++)
        {
            // C's '/' truncates toward zero, as C#'s does; the clip is Pillow's CLIP8.
            l = Math.Clamp(values[x] + ((l + errors[x + 1]) / 16), 0, 255);
            int output = l > 128 ? 255 : 0;
            if (output != 0)
            {
                packed[x >> 3] |= (byte)(0x80 >> (x & 7));
            }

            // Spread the error 3/16 below-left, 5/16 below, 1/16 below-right, 7/16 right, accumulated as Pillow does.
            l -= output;
            int l2 = l;
            int d2 = l + l;
            l += d2;
            errors[x] = l + l0;
            l += d2;
            l0 = l + l1;
            l1 = l2;
            l += d2;
        }

        errors[x] = l0;
    }
}

/// <summary>
/// Writes rows of grey or RGB samples into a <see cref="BitImage"/>, dithering or thresholding as Pillow would;
/// the buffers are rented once per image, so nothing is allocated per row or pixel.
/// </summary>
internal sealed class BilevelRowWriter : IDisposable
{
    private readonly BitImage _image;
    private readonly bool _dither;
    private readonly byte _level;
    private readonly int[] _errors;
    private readonly byte[] _packed;
    private readonly byte[] _values;

    public BilevelRowWriter(BitImage image, bool dither, byte level = 128)
    {
        _image = image;
        _dither = dither;
        _level = level;
        int width = image.Width;
        _errors = ArrayPool<int>.Shared.Rent(dither ? width + 1 : 1);
        Array.Clear(_errors);
        _packed = ArrayPool<byte>.Shared.Rent(BitImage.BytesPerPackedRow(width));
        _values = ArrayPool<byte>.Shared.Rent(width);
    }

    /// <summary>Row <paramref name="y"/> from <c>Width</c> grey samples.</summary>
    public void WriteGrey(int y, ReadOnlySpan<byte> grey)
    {
        grey = grey[.._image.Width];
        Span<byte> packed = _packed.AsSpan(0, BitImage.BytesPerPackedRow(_image.Width));
        if (_dither)
        {
            PillowBilevel.Dither(grey, _errors.AsSpan(0, _image.Width + 1), packed);
        }
        else
        {
            PillowBilevel.Threshold(grey, packed, _level);
        }

        _image.SetRow(y, packed);
    }

    /// <summary>
    /// Row <paramref name="y"/> from pixels of <paramref name="bytesPerPixel"/> bytes whose first three are R, G, B
    /// (any alpha is ignored, not composited, as Pillow's RGBA → 1 does).
    /// </summary>
    public void WriteRgb(int y, ReadOnlySpan<byte> pixels, int bytesPerPixel)
    {
        Span<byte> values = _values.AsSpan(0, _image.Width);
        for (int x = 0, i = 0; x < values.Length; x++, i += bytesPerPixel)
        {
            values[x] = (byte)(PillowBilevel.Luma1000(pixels[i], pixels[i + 1], pixels[i + 2]) / 1000);
        }

        WriteGrey(y, values);
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_errors);
        ArrayPool<byte>.Shared.Return(_packed);
        ArrayPool<byte>.Shared.Return(_values);
    }
}
