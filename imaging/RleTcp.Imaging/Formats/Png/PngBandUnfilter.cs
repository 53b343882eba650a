using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The PNG unfilter of up to <see cref="Rows"/> scanlines whose filter unit is one byte (8-bit grey) at once, one row
/// per byte lane of one or two 128-bit vectors: the serial chain of each row (every byte needs the one to its left)
/// runs in up to 31 lanes side by side, so a vector step costs about what one scalar byte did.
/// </summary>
/// <remarks>
/// A skewed wavefront, transposed. Lane 0 holds the row above the band (already unfiltered; it is read, never written,
/// because another thread may be converting it), lanes 1..31 the band's rows, and at step <c>s</c> lane <c>r</c>
/// decodes column <c>s - r</c>. Then the previous step's output is "left" (a), the same shifted up a lane is "above"
/// (b: lane <c>r - 1</c> decoded column <c>s - r</c> one step earlier; across the two vectors an <c>palignr</c>), and
/// the previous step's b is "upper left" (c). The two vectors' chains are independent within a step, so a band of 31
/// rows costs little more than one of 15 (the step is latency-bound). Each lane's predictor is its own row's filter,
/// chosen by lane masks (rows of a band may mix filters; an all-Paeth band, the common case on scans, takes a kernel
/// without them). The filtered bytes come in 16 steps at a time: row <c>r</c>'s 16 bytes from column <c>X - r</c>,
/// transposed, so that vector <c>j</c> holds step <c>X + j</c>; the results go back the same way. Steps start at the
/// lane count (16 or 32) and stop where a load would leave its row, so every access is inside the band; the triangles
/// of bytes before and after (16-47 a row) take the scalar predictor, in row order. Bands of fewer rows leave lanes
/// unused (loaded from the last row, never stored).
/// </remarks>
internal static class PngBandUnfilter
{
    /// <summary>The most rows a band holds (lane 0 is the row above them).</summary>
    public const int Rows = (2 * Lanes) - 1;

    // Bytes (rows) in a vector, and steps between transposes.
    private const int Lanes = 16;
    private const int Steps = 16;

    /// <summary>Whether the vector path runs on this CPU (x64 SSSE3).</summary>
    public static bool IsSupported => Ssse3.IsSupported;

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
        Span<byte> filters = stackalloc byte[2 * Lanes];
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

        // Vector steps run from s = lanes: the last lane loads from column s - (lanes - 1) >= 1, and every lane's left
        // and upper left before the first step lie in the triangle; row 0 loads up to column s + 15 <= rowBytes - 1.
        bool wide = rows >= Lanes;
        int lanes = wide ? 2 * Lanes : Lanes;
        int blocks = rowBytes >= lanes + Steps ? (rowBytes - lanes) / Steps : 0;
        int end = lanes + (blocks * Steps); // the first step not run as a vector
        for (int r = 1; r <= rows; r++)
        {
            Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, 0, Math.Min(rowBytes, blocks > 0 ? lanes - r : rowBytes));
        }

        if (blocks == 0)
        {
            return;
        }

        switch ((allPaeth, wide))
        {
            case (true, false):
                Run<AllPaeth, OneVector>(ref top, stride, rows, blocks, filters);
                break;
            case (true, true):
                Run<AllPaeth, TwoVectors>(ref top, stride, rows, blocks, filters);
                break;
            case (false, false):
                Run<Mixed, OneVector>(ref top, stride, rows, blocks, filters);
                break;
            default:
                Run<Mixed, TwoVectors>(ref top, stride, rows, blocks, filters);
                break;
        }

        for (int r = 1; r <= rows; r++)
        {
            Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, end - r, rowBytes);
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

    // Lanes 0..15 in one vector (lo) or 0..31 in two (lo, hi): hi's lane 0 takes lo's lane 15 as "above".
    private static void Run<TPredictor, TWidth>(ref byte top, int stride, int rows, int blocks, ReadOnlySpan<byte> filters)
        where TPredictor : struct, IPredictor
        where TWidth : struct, IWidth
    {
        int lanes = TWidth.Wide ? 2 * Lanes : Lanes;

        // Where lane r loads from: its row, or for lanes past the band the last row (their results are dropped).
        Span<int> offsets = stackalloc int[2 * Lanes];
        for (int r = 0; r < lanes; r++)
        {
            offsets[r] = (Math.Min(r, rows) * stride) - r;
        }

        // The state before the first step: the outputs of the two steps before it (lane r, columns lanes - 1 - r and
        // lanes - 2 - r), which the scalar triangle has decoded; lanes past the band are zeros.
        Span<byte> before = stackalloc byte[4 * Lanes];
        before.Clear();
        for (int r = 0; r <= rows; r++)
        {
            before[r] = Unsafe.Add(ref top, (r * stride) + lanes - 1 - r);
            before[(2 * Lanes) + r] = r < lanes - 1 ? Unsafe.Add(ref top, (r * stride) + lanes - 2 - r) : (byte)0;
        }

        Vector128<byte> lane0 = Vector128.Create((byte)0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var loMasks = new Masks(Vector128.Create(filters[..Lanes]));
        var hiMasks = new Masks(Vector128.Create(filters[Lanes..]));
        Vector128<byte> previousLo = Vector128.Create(before[..Lanes]), previousHi = Vector128.Create(before[Lanes..(2 * Lanes)]);
        Vector128<byte> twoBackLo = Vector128.Create(before[(2 * Lanes)..(3 * Lanes)]), twoBackHi = Vector128.Create(before[(3 * Lanes)..]);
        Vector128<byte> upLeftLo = TPredictor.Fix(Sse2.ShiftLeftLogical128BitLane(twoBackLo, 1), lane0);
        Vector128<byte> upLeftHi = Ssse3.AlignRight(twoBackHi, twoBackLo, 15);
        Vector128x16 lo = default, hi = default;
        for (int k = 0, x = lanes; k < blocks; k++, x += Steps)
        {
            for (int r = 0; r < Lanes; r++)
            {
                lo[r] = Vector128.LoadUnsafe(ref top, (nuint)(offsets[r] + x));
            }

            ByteTranspose.Transpose16(ref lo);
            if (TWidth.Wide)
            {
                for (int r = 0; r < Lanes; r++)
                {
                    hi[r] = Vector128.LoadUnsafe(ref top, (nuint)(offsets[Lanes + r] + x));
                }

                ByteTranspose.Transpose16(ref hi);
            }

            // Copies that live only in the step loop, so the JIT keeps them in registers (the transposes are calls,
            // across which it keeps the state in memory: a store and a reload on every step's chain).
            Vector128<byte> aLo = previousLo, aHi = previousHi, cLo = upLeftLo, cHi = upLeftHi;
            for (int j = 0; j < Steps; j++)
            {
                Vector128<byte> bLo = Sse2.ShiftLeftLogical128BitLane(aLo, 1);
                if (TWidth.Wide)
                {
                    Vector128<byte> bHi = Ssse3.AlignRight(aHi, aLo, 15);
                    aHi = hi[j] + TPredictor.Predict(aHi, bHi, cHi, hiMasks);
                    cHi = bHi;
                    hi[j] = aHi;
                }

                aLo = lo[j] + TPredictor.Predict(aLo, bLo, cLo, loMasks);
                cLo = TPredictor.Fix(bLo, lane0);
                lo[j] = aLo;
            }

            previousLo = aLo;
            previousHi = aHi;
            upLeftLo = cLo;
            upLeftHi = cHi;
            ByteTranspose.Transpose16(ref lo);
            for (int r = 1; r <= Math.Min(rows, Lanes - 1); r++)
            {
                lo[r].StoreUnsafe(ref top, (nuint)(offsets[r] + x));
            }

            if (TWidth.Wide)
            {
                ByteTranspose.Transpose16(ref hi);
                for (int r = Lanes; r <= rows; r++)
                {
                    hi[r - Lanes].StoreUnsafe(ref top, (nuint)(offsets[r] + x));
                }
            }
        }
    }

    // The unfilter of row bytes [from, to) given the bytes before them, as the specification says (bpp 1); the left
    // and upper-left bytes stay in registers, off the store-to-load path.
    private static void Scalar(byte filter, ref byte row, int stride, int from, int to)
    {
        if (from >= to || filter == 0)
        {
            return;
        }

        ref byte up = ref Unsafe.Subtract(ref row, stride);
        int x = from;
        if (x == 0)
        {
            // No left byte: a and c count as 0, so Sub adds nothing, Up and Paeth add b, Average b / 2.
            row += filter switch { 1 => 0, 3 => (byte)(up >> 1), _ => up };
            x = 1;
        }

        int a = Unsafe.Add(ref row, x - 1), c = Unsafe.Add(ref up, x - 1);
        for (; x < to; x++)
        {
            int b = Unsafe.Add(ref up, x);
            a = (byte)(Unsafe.Add(ref row, x) + filter switch
            {
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => PngUnfilter.Predict(a, b, c),
            });
            Unsafe.Add(ref row, x) = (byte)a;
            c = b;
        }
    }

    // Lane masks of the band's filters (lane 0, the row above, and unused lanes are None).
    private readonly struct Masks(Vector128<byte> filters)
    {
        public readonly Vector128<byte> Sub = Vector128.Equals(filters, Vector128.Create((byte)1));
        public readonly Vector128<byte> Up = Vector128.Equals(filters, Vector128.Create((byte)2));
        public readonly Vector128<byte> Average = Vector128.Equals(filters, Vector128.Create((byte)3));
        public readonly Vector128<byte> Paeth = Vector128.Equals(filters, Vector128.Create((byte)4));
    }

    private interface IWidth
    {
        // Whether the band spans two vectors (32 lanes) rather than one.
        static abstract bool Wide { get; }
    }

    private struct OneVector : IWidth
    {
        public static bool Wide => false;
    }

    private struct TwoVectors : IWidth
    {
        public static bool Wide => true;
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
