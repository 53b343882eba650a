using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The PNG unfilter of up to <see cref="Rows"/> scanlines whose filter unit is one byte (8-bit grey) at once, one row
/// per lane of a 128-bit vector: the serial chain of each row (every byte needs the one to its left) runs in 15 lanes
/// side by side, so a vector step costs about what one scalar byte did.
/// </summary>
/// <remarks>
/// A skewed wavefront, transposed. Lane 0 holds the row above the band (already unfiltered; it is read, never written,
/// because another thread may be converting it), lanes 1..15 the band's rows, and at step <c>s</c> lane <c>r</c>
/// decodes column <c>s - r</c>. Then the previous step's output is "left" (a), the same shifted up a lane is "above"
/// (b: lane <c>r - 1</c> decoded column <c>s - r</c> one step earlier), and the previous step's b is "upper left" (c).
/// Each lane's predictor is its own row's filter, chosen by lane masks (rows of a band may mix filters; an all-Paeth
/// band, the common case on scans, takes a kernel without them). The filtered bytes come in 16 steps at a time: row
/// <c>r</c>'s 16 bytes from column <c>X - r</c>, transposed, so that vector <c>j</c> holds step <c>X + j</c>; the
/// results go back the same way. Steps start at 16 and stop where a load would leave its row, so every access is
/// inside the band; the triangles of bytes before and after (about 16 a row each) take the scalar predictor, in row
/// order. Bands of fewer rows leave lanes unused (loaded from the last row, never stored).
/// </remarks>
internal static class PngBandUnfilter
{
    /// <summary>The most rows a band holds (lane 0 is the row above them).</summary>
    public const int Rows = 15;

    private const int Lanes = 16;

    /// <summary>Whether the vector path runs on this CPU (x64 SSE2).</summary>
    public static bool IsSupported => Sse2.IsSupported;

    /// <summary>
    /// Whether a band of <paramref name="rows"/> rows (the first's filter byte at <paramref name="at"/>) of
    /// <paramref name="rowBytes"/> bytes is worth the vector path: the CPU has it, every filter byte is known (an
    /// unknown one is left to the row-by-row unfilter, which refuses it with its row number), the rows are long enough
    /// for the vector steps to outweigh the scalar triangles, and enough rows have a serial filter (None and Up rows
    /// cost next to nothing one at a time, while a band costs the same whatever its rows).
    /// </summary>
    public static bool Pays(byte[] buffer, int at, int rows, int stride, int rowBytes)
    {
        if (!IsSupported || rowBytes < 64)
        {
            return false;
        }

        int serial = 0;
        for (int r = 0; r < rows; r++)
        {
            byte filter = buffer[at + (r * stride)];
            if (filter > 4)
            {
                return false;
            }

            serial += filter is 1 or 3 or 4 ? 1 : 0;
        }

        return serial >= Math.Min(rows, 4);
    }

    /// <summary>
    /// Unfilters the <paramref name="rows"/> (1..<see cref="Rows"/>) scanlines whose filter bytes are at
    /// <c>buffer[at + k * stride]</c> (each followed by its <paramref name="rowBytes"/> bytes; the unfiltered row above
    /// the first in the slot before), in place. Every filter byte must be 0..4.
    /// </summary>
    public static void Apply(byte[] buffer, int at, int rows, int stride, int rowBytes)
    {
        // The loops below index without bounds checks; this makes every index they form valid.
        if (rows is < 1 or > Rows || rowBytes < 1 || stride <= rowBytes || at < stride
            || at + ((rows - 1) * (long)stride) + 1 + rowBytes > buffer.Length)
        {
            throw new ArgumentException("The buffer is smaller than the rows it is said to hold.");
        }

        // Row r of the band (1..rows) at top + r * stride; row 0 is the one above.
        ref byte top = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), at - stride + 1);
        Span<byte> filters = stackalloc byte[Lanes];
        filters.Clear();
        bool allPaeth = true;
        for (int r = 1; r <= rows; r++)
        {
            byte filter = Unsafe.Add(ref top, (r * stride) - 1);
            if (filter > 4)
            {
                throw new ArgumentException("A filter byte is not one of the five PNG filters.");
            }

            filters[r] = filter;
            allPaeth &= filter == 4;
        }

        // Vector steps s = 16 .. last: row 15 loads from column s - 15 - ... >= 0 at the first block's start (X = 16
        // also leaves every lane's left and upper-left inside the triangle), row 0 to column X + 15 <= rowBytes - 1.
        int blocks = rowBytes >= 2 * Lanes ? (rowBytes - Lanes) / Lanes : 0;
        int end = Lanes + (blocks * Lanes); // the first step not run as a vector
        for (int r = 1; r <= rows; r++)
        {
            Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, 0, Math.Min(rowBytes, blocks > 0 ? Lanes - r : rowBytes));
        }

        if (blocks > 0)
        {
            if (allPaeth)
            {
                Run<AllPaeth>(ref top, stride, rows, blocks, filters);
            }
            else
            {
                Run<Mixed>(ref top, stride, rows, blocks, filters);
            }

            for (int r = 1; r <= rows; r++)
            {
                Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, end - r, rowBytes);
            }
        }
    }

    /// <summary>
    /// The Paeth predictor of 16 byte lanes: exact in 8 bits. With pa = |b - c| and pb = |a - c| (the specification's
    /// distances of a and b from a + b - c), pc = |(b - c) + (a - c)|: the positive parts of the two differences
    /// summed, less the negative parts summed. One of the two sums is a single term when their signs differ, so that
    /// difference is exact; when they agree one sum is zero and the other may saturate at 255, which still compares as
    /// "not less" than pa and pb. Ties as the specification breaks them: a, then b, then c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> Paeth(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c)
    {
        Vector128<byte> bOver = Sse2.SubtractSaturate(b, c), bUnder = Sse2.SubtractSaturate(c, b);
        Vector128<byte> aOver = Sse2.SubtractSaturate(a, c), aUnder = Sse2.SubtractSaturate(c, a);
        Vector128<byte> pa = bOver | bUnder, pb = aOver | aUnder;
        Vector128<byte> over = Sse2.AddSaturate(bOver, aOver), under = Sse2.AddSaturate(bUnder, aUnder);
        Vector128<byte> pc = Sse2.SubtractSaturate(over, under) | Sse2.SubtractSaturate(under, over);
        Vector128<byte> takeA = Vector128.Equals(Vector128.Min(pa, pb), pa) & Vector128.Equals(Vector128.Min(pa, pc), pa);
        Vector128<byte> takeB = Vector128.Equals(Vector128.Min(pb, pc), pb);
        return Vector128.ConditionalSelect(takeA, a, Vector128.ConditionalSelect(takeB, b, c));
    }

    private static void Run<TPredictor>(ref byte top, int stride, int rows, int blocks, ReadOnlySpan<byte> filters)
        where TPredictor : struct, IPredictor
    {
        // Where lane r loads from: its row, or for lanes past the band the last row (their results are dropped).
        Span<int> offsets = stackalloc int[Lanes];
        for (int r = 0; r < Lanes; r++)
        {
            offsets[r] = (Math.Min(r, rows) * stride) - r;
        }

        // The state before step 16: the outputs of steps 15 and 14 (lane r, column 15 - r and 14 - r), which the
        // scalar triangle has decoded; lanes past the band are zeros.
        Span<byte> before = stackalloc byte[2 * Lanes];
        before.Clear();
        for (int r = 0; r <= rows; r++)
        {
            before[r] = Unsafe.Add(ref top, (r * stride) + 15 - r);
            before[Lanes + r] = r < 15 ? Unsafe.Add(ref top, (r * stride) + 14 - r) : (byte)0;
        }

        Vector128<byte> lane0 = Vector128.Create((byte)0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var masks = new Masks(Vector128.Create(filters));
        Vector128<byte> previous = Vector128.Create(before[..Lanes]);
        Vector128<byte> upLeft = TPredictor.Fix(Sse2.ShiftLeftLogical128BitLane(Vector128.Create(before[Lanes..]), 1), lane0);
        Vectors16 v = default;
        for (int k = 0, x = Lanes; k < blocks; k++, x += Lanes)
        {
            for (int r = 0; r < Lanes; r++)
            {
                v[r] = Vector128.LoadUnsafe(ref top, (nuint)(offsets[r] + x));
            }

            Transpose(ref v);
            for (int j = 0; j < Lanes; j++)
            {
                Vector128<byte> above = Sse2.ShiftLeftLogical128BitLane(previous, 1);
                previous = v[j] + TPredictor.Predict(previous, above, upLeft, masks);
                upLeft = TPredictor.Fix(above, lane0);
                v[j] = previous;
            }

            Transpose(ref v);
            for (int r = 1; r <= rows; r++)
            {
                v[r].StoreUnsafe(ref top, (nuint)(offsets[r] + x));
            }
        }
    }

    // The unfilter of row bytes [from, to) given the bytes before them, as the specification says (bpp 1).
    private static void Scalar(byte filter, ref byte row, int stride, int from, int to)
    {
        for (int x = from; x < to; x++)
        {
            int a = x > 0 ? Unsafe.Add(ref row, x - 1) : 0;
            int b = Unsafe.Add(ref row, x - stride);
            int c = x > 0 ? Unsafe.Add(ref row, x - stride - 1) : 0;
            Unsafe.Add(ref row, x) += filter switch
            {
                0 => 0,
                1 => (byte)a,
                2 => (byte)b,
                3 => (byte)((a + b) >> 1),
                _ => PngUnfilter.Predict(a, b, c),
            };
        }
    }

    // A 16x16 byte transpose (vector i byte j to vector j byte i) in four rounds of unpacks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vectors16 v)
    {
        Vectors16 t = default;
        for (int i = 0; i < Lanes; i += 2)
        {
            t[i] = Sse2.UnpackLow(v[i], v[i + 1]);
            t[i + 1] = Sse2.UnpackHigh(v[i], v[i + 1]);
        }

        // t[2i], t[2i+1]: rows 2i and 2i+1 interleaved, columns 0-7 and 8-15.
        for (int g = 0; g < Lanes; g += 4)
        {
            v[g] = Sse2.UnpackLow(t[g].AsUInt16(), t[g + 2].AsUInt16()).AsByte();
            v[g + 1] = Sse2.UnpackHigh(t[g].AsUInt16(), t[g + 2].AsUInt16()).AsByte();
            v[g + 2] = Sse2.UnpackLow(t[g + 1].AsUInt16(), t[g + 3].AsUInt16()).AsByte();
            v[g + 3] = Sse2.UnpackHigh(t[g + 1].AsUInt16(), t[g + 3].AsUInt16()).AsByte();
        }

        // v[4g + q]: rows 4g..4g+3, columns 4q..4q+3.
        for (int h = 0; h < Lanes; h += 8)
        {
            for (int q = 0; q < 4; q++)
            {
                t[h + (2 * q)] = Sse2.UnpackLow(v[h + q].AsUInt32(), v[h + 4 + q].AsUInt32()).AsByte();
                t[h + (2 * q) + 1] = Sse2.UnpackHigh(v[h + q].AsUInt32(), v[h + 4 + q].AsUInt32()).AsByte();
            }
        }

        // t[8h + m]: rows 8h..8h+7, columns 2m and 2m+1.
        for (int m = 0; m < 8; m++)
        {
            v[2 * m] = Sse2.UnpackLow(t[m].AsUInt64(), t[8 + m].AsUInt64()).AsByte();
            v[(2 * m) + 1] = Sse2.UnpackHigh(t[m].AsUInt64(), t[8 + m].AsUInt64()).AsByte();
        }
    }

    [InlineArray(Lanes)]
    private struct Vectors16
    {
        private Vector128<byte> _element;
    }

    // Lane masks of the band's filters (lane 0, the row above, and unused lanes are None).
    private readonly struct Masks(Vector128<byte> filters)
    {
        public readonly Vector128<byte> Sub = Vector128.Equals(filters, Vector128.Create((byte)1));
        public readonly Vector128<byte> Up = Vector128.Equals(filters, Vector128.Create((byte)2));
        public readonly Vector128<byte> Average = Vector128.Equals(filters, Vector128.Create((byte)3));
        public readonly Vector128<byte> Paeth = Vector128.Equals(filters, Vector128.Create((byte)4));
    }

    private interface IPredictor
    {
        // The predictor of every lane from a (left), b (above), c (upper left).
        static abstract Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks);

        // The next step's c from this step's b.
        static abstract Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0);
    }

    private struct AllPaeth : IPredictor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks) => Paeth(a, b, c);

        // Lane 0 (the row above) must predict 0. Its b is 0 (shifted in), and with c = 255 Paeth picks b, or a when
        // a = 0: zero either way, without a mask on the output's path.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0) => above | lane0;
    }

    private struct Mixed : IPredictor
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Predict(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, in Masks masks)
        {
            // floor((a + b) / 2): the rounding-up average less the bit it rounded.
            Vector128<byte> average = Sse2.Average(a, b) - ((a ^ b) & Vector128<byte>.One);
            return (masks.Paeth & Paeth(a, b, c)) | (masks.Sub & a) | (masks.Up & b) | (masks.Average & average);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Fix(Vector128<byte> above, Vector128<byte> lane0) => above;
    }
}
