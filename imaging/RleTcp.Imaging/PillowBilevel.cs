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

    /// <summary>
    /// The Pillow grey value (<c>L()</c> / 1000, truncated) of each pixel of <paramref name="pixels"/>, whose first
    /// three bytes of every <paramref name="bytesPerPixel"/> are R, G, B.
    /// </summary>
    public static void LumaRow(ReadOnlySpan<byte> pixels, int bytesPerPixel, Span<byte> values) =>
        PillowLuma.Row(pixels, bytesPerPixel, values);

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
/// <remarks>
/// Rows must come in order, 0 to <c>Height - 1</c>, as the dither carries its error downwards. When dithering, rows
/// are held until <see cref="PillowDither.Rows"/> of them are in (or the last row is), then dithered together; a
/// row of the image is therefore final only once the last row has been written. A reader that can produce a row in
/// place asks for <see cref="NextRow"/> and then calls <see cref="Commit"/>, which saves the copy.
/// </remarks>
internal sealed class BilevelRowWriter : IDisposable
{
    private readonly BitImage _image;
    private readonly bool _dither;
    private readonly byte _level;
    private readonly int[] _errors;
    private readonly byte[] _values;
    private readonly byte[] _msbs;
    private readonly int _stride;
    private int _pending;
    private int _nextY;

    public BilevelRowWriter(BitImage image, bool dither, byte level = 128)
    {
        _image = image;
        _dither = dither;
        _level = level;
        int width = image.Width;
        _stride = width;
        int slots = dither ? PillowDither.Rows : 1;
        _errors = ArrayPool<int>.Shared.Rent(dither ? width + 1 : 1);
        Array.Clear(_errors, 0, dither ? width + 1 : 1);
        _values = ArrayPool<byte>.Shared.Rent(checked(slots * width));
        _msbs = ArrayPool<byte>.Shared.Rent(dither ? checked(slots * width) : 1);
    }

    /// <summary>The image's width: the length of <see cref="NextRow"/>.</summary>
    public int Width => _image.Width;

    /// <summary>Where the next row's <c>Width</c> grey values go before <see cref="Commit"/>.</summary>
    public Span<byte> NextRow() => _values.AsSpan(_pending * _stride, _image.Width);

    /// <summary>Row <paramref name="y"/> is in <see cref="NextRow"/>.</summary>
    public void Commit(int y)
    {
        int width = _image.Width;
        if (!_dither)
        {
            // The threshold looks at one pixel at a time: rows may come in any order.
            Span<byte> values = _values.AsSpan(0, width);
            if (_level != 128)
            {
                // Another level: white (top bit set) exactly when value >= level, then the same packing.
                for (int x = 0; x < values.Length; x++)
                {
                    values[x] = values[x] >= _level ? (byte)0x80 : (byte)0;
                }
            }

            MsbPacker.Pack(values, width, _image.Row(y));
            return;
        }

        if (y != _nextY)
        {
            throw new InvalidOperationException($"Dithered rows are written in order: row {_nextY} was expected, not {y}.");
        }

        _nextY++;

        _pending++;
        if (_pending == PillowDither.Rows || y == _image.Height - 1)
        {
            PillowDither.DitherRows(_values, _stride, width, _pending, _errors.AsSpan(0, width + 1), _msbs, _stride);
            int first = y + 1 - _pending;
            for (int r = 0; r < _pending; r++)
            {
                MsbPacker.Pack(_msbs.AsSpan(r * _stride, width), width, _image.Row(first + r));
            }

            _pending = 0;
        }
    }

    /// <summary>Row <paramref name="y"/> from <c>Width</c> grey samples.</summary>
    public void WriteGrey(int y, ReadOnlySpan<byte> grey)
    {
        if (!_dither)
        {
            if (_level == 128)
            {
                // The threshold needs no copy: value >= 128 is the value's top bit.
                MsbPacker.Pack(grey, _image.Width, _image.Row(y));
                return;
            }
        }

        grey[.._image.Width].CopyTo(NextRow());
        Commit(y);
    }

    /// <summary>
    /// Row <paramref name="y"/> from pixels of <paramref name="bytesPerPixel"/> bytes whose first three are R, G, B
    /// (any alpha is ignored, not composited, as Pillow's RGBA → 1 does).
    /// </summary>
    public void WriteRgb(int y, ReadOnlySpan<byte> pixels, int bytesPerPixel)
    {
        PillowBilevel.LumaRow(pixels, bytesPerPixel, NextRow());
        Commit(y);
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_errors);
        ArrayPool<byte>.Shared.Return(_values);
        ArrayPool<byte>.Shared.Return(_msbs);
    }
}
