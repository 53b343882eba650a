using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The PNG unfilter of up to <see cref="Rows"/> scanlines whose filter unit is one or two bytes (8-bit grey; grey+alpha
/// and 16-bit grey) at once, one row per byte lane of one or two 128-bit vectors: the serial chain of each row (every
/// byte needs the one a unit to its left) runs in up to 31 lanes side by side, so a vector step costs about what one
/// scalar byte did.
/// </summary>
/// <remarks>
/// A skewed wavefront, transposed. Lane 0 holds the row above the band (already unfiltered; it is read, never written,
/// because another thread may be converting it), lanes 1..31 the band's rows, and at step <c>s</c> lane <c>r</c>
/// decodes column <c>s - r</c> (for one-byte units; <c>s - 2r</c> for two). Then the previous step's output is "left"
/// (a), the same shifted up a lane is "above" (b: lane <c>r - 1</c> decoded column <c>s - r</c> one step earlier;
/// across the two vectors a <c>palignr</c>), and the previous step's b is "upper left" (c); for two-byte units the same
/// from two steps back. The two vectors' chains are independent within a step, so a band of 31 rows costs little more
/// than one of 15 (the step is latency-bound). Each lane's predictor is its own row's filter, chosen by lane masks
/// (rows of a band may mix filters; an all-Paeth band, the common case on scans, takes a kernel without them). The
/// filtered bytes come in 16 steps at a time: row <c>r</c>'s 16 bytes from column <c>X - r</c>, transposed
/// (<see cref="ByteTranspose"/>), so that vector <c>j</c> holds step <c>X + j</c>; the results go back the same way.
/// Steps start at the lane count times the unit and stop where a load would leave its row, so every access is inside
/// the band; the triangles of bytes before and after (16-47 a row for one-byte units) take the scalar predictor, in
/// row order. Bands of fewer rows leave lanes unused (loaded from the last row, never stored).
/// </remarks>
internal static partial class PngBandUnfilter
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
    /// <paramref name="rowBytes"/> bytes, filter unit <paramref name="bpp"/>, is worth the vector path: the unit is one
    /// or two bytes (8-bit grey; grey+alpha and 16-bit grey), the CPU has it, every filter byte is known (an
    /// unknown one is left to the row-by-row unfilter, which refuses it with its row number), the rows are long enough
    /// for the vector steps to outweigh the scalar triangles, and enough rows have a serial filter (None and Up rows
    /// cost next to nothing one at a time, while a band costs the same whatever its rows).
    /// </summary>
    public static bool Pays(byte[] buffer, int at, int rows, int stride, int rowBytes, int bpp)
    {
        if (!IsSupported || bpp is not (1 or 2) || rowBytes < 64 * bpp)
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
    /// the first in the slot before), in place; <paramref name="bpp"/> is the filter unit, 1 or 2 bytes. Every filter
    /// byte must be 0..4.
    /// </summary>
    public static void Apply(byte[] buffer, int at, int rows, int stride, int rowBytes, int bpp)
    {
        // The loops below index without bounds checks; this makes every index they form valid.
        if (rows is < 1 or > Rows || bpp is not (1 or 2) || rowBytes < 1 || stride <= rowBytes || at < stride
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

        // Lane r runs bpp * r columns behind row 0. Vector steps run from s = bpp * lanes: the last lane loads from
        // column s - bpp * (lanes - 1) >= bpp, and every lane's state before the first step lies in the triangle; row
        // 0 loads up to column s + 15 <= rowBytes - 1.
        bool wide = rows >= Lanes;
        int lanes = wide ? 2 * Lanes : Lanes;
        int first = bpp * lanes;
        int blocks = rowBytes >= first + Steps ? (rowBytes - first) / Steps : 0;
        int end = first + (blocks * Steps); // the first step not run as a vector
        for (int r = 1; r <= rows; r++)
        {
            Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, bpp, 0, Math.Min(rowBytes, blocks > 0 ? bpp * (lanes - r) : rowBytes));
        }

        if (blocks == 0)
        {
            return;
        }

        if (bpp == 1)
        {
            Run<OneByte>(ref top, stride, rows, blocks, filters, allPaeth, wide);
        }
        else
        {
            Run<TwoBytes>(ref top, stride, rows, blocks, filters, allPaeth, wide);
        }

        for (int r = 1; r <= rows; r++)
        {
            Scalar(filters[r], ref Unsafe.Add(ref top, r * stride), stride, bpp, end - (bpp * r), rowBytes);
        }
    }

    private static void Run<TUnit>(ref byte top, int stride, int rows, int blocks, ReadOnlySpan<byte> filters, bool allPaeth, bool wide)
        where TUnit : struct, IUnit
    {
        switch ((allPaeth, wide))
        {
            case (true, false):
                Run<AllPaeth, OneVector, TUnit>(ref top, stride, rows, blocks, filters);
                break;
            case (true, true):
                Run<AllPaeth, TwoVectors, TUnit>(ref top, stride, rows, blocks, filters);
                break;
            case (false, false):
                Run<Mixed, OneVector, TUnit>(ref top, stride, rows, blocks, filters);
                break;
            default:
                Run<Mixed, TwoVectors, TUnit>(ref top, stride, rows, blocks, filters);
                break;
        }
    }

    // Lanes 0..15 in one vector (lo) or 0..31 in two (lo, hi): hi's lane 0 takes lo's lane 15 as "above". With a
    // unit of u bytes, step s's left is step s - u's output and its upper left step s - u's above.
    private static void Run<TPredictor, TWidth, TUnit>(ref byte top, int stride, int rows, int blocks, ReadOnlySpan<byte> filters)
        where TPredictor : struct, IPredictor
        where TWidth : struct, IWidth
        where TUnit : struct, IUnit
    {
        int lanes = TWidth.Wide ? 2 * Lanes : Lanes, unit = TUnit.Two ? 2 : 1, first = unit * lanes;

        // Where lane r loads from: its row, or for lanes past the band the last row (their results are dropped).
        Span<int> offsets = stackalloc int[2 * Lanes];
        for (int r = 0; r < lanes; r++)
        {
            offsets[r] = (Math.Min(r, rows) * stride) - (unit * r);
        }

        // The state before the first step: the outputs of the 2u steps before it (lane r, column first - k - u r for
        // k = 1..2u), which the scalar triangle has decoded; lanes past the band (or left of column 0) are zeros.
        Span<byte> before = stackalloc byte[8 * Lanes];
        before.Clear();
        for (int k = 1; k <= 2 * unit; k++)
        {
            for (int r = 0; r <= rows; r++)
            {
                int column = first - k - (unit * r);
                before[((k - 1) * 2 * Lanes) + r] = column >= 0 ? Unsafe.Add(ref top, (r * stride) + column) : (byte)0;
            }
        }

        Vector128<byte> lane0 = Vector128.Create((byte)0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var loMasks = new Masks(Vector128.Create(filters[..Lanes]));
        var hiMasks = new Masks(Vector128.Create(filters[Lanes..]));

        // o1, o2: the outputs one and two steps back; b1, b2: the "above" of those steps (the second only for u = 2).
        Vector128<byte> o1Lo = Vector128.Create(before[..16]), o1Hi = Vector128.Create(before[16..32]);
        Vector128<byte> o2Lo = Vector128.Create(before[32..48]), o2Hi = Vector128.Create(before[48..64]);
        (Vector128<byte> b1Lo, Vector128<byte> b1Hi) = TUnit.Two
            ? Above<TPredictor>(Vector128.Create(before[64..80]), Vector128.Create(before[80..96]), lane0)
            : Above<TPredictor>(o2Lo, o2Hi, lane0);
        (Vector128<byte> b2Lo, Vector128<byte> b2Hi) = Above<TPredictor>(Vector128.Create(before[96..112]), Vector128.Create(before[112..]), lane0);
        Vector128x16 lo = default, hi = default;
        for (int k = 0, x = first; k < blocks; k++, x += Steps)
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
            Vector128<byte> p1Lo = o1Lo, p1Hi = o1Hi, p2Lo = o2Lo, p2Hi = o2Hi, q1Lo = b1Lo, q1Hi = b1Hi, q2Lo = b2Lo, q2Hi = b2Hi;
            for (int j = 0; j < Steps; j++)
            {
                Vector128<byte> aLo = TUnit.Two ? p2Lo : p1Lo, cLo = TUnit.Two ? q2Lo : q1Lo;
                Vector128<byte> bLo = Sse2.ShiftLeftLogical128BitLane(aLo, 1);
                if (TUnit.Two)
                {
                    p2Lo = p1Lo;
                    q2Lo = q1Lo;
                }

                if (TWidth.Wide)
                {
                    Vector128<byte> aHi = TUnit.Two ? p2Hi : p1Hi, cHi = TUnit.Two ? q2Hi : q1Hi;
                    Vector128<byte> bHi = Ssse3.AlignRight(aHi, aLo, 15);
                    if (TUnit.Two)
                    {
                        p2Hi = p1Hi;
                        q2Hi = q1Hi;
                    }

                    p1Hi = hi[j] + TPredictor.Predict(aHi, bHi, cHi, hiMasks);
                    q1Hi = bHi;
                    hi[j] = p1Hi;
                }

                p1Lo = lo[j] + TPredictor.Predict(aLo, bLo, cLo, loMasks);
                q1Lo = TPredictor.Fix(bLo, lane0);
                lo[j] = p1Lo;
            }

            (o1Lo, o1Hi, o2Lo, o2Hi, b1Lo, b1Hi, b2Lo, b2Hi) = (p1Lo, p1Hi, p2Lo, p2Hi, q1Lo, q1Hi, q2Lo, q2Hi);
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

    // The "above" of a step whose previous output is (lo, hi): shifted up one lane, lane 0 as the predictor wants it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<byte> Lo, Vector128<byte> Hi) Above<TPredictor>(Vector128<byte> lo, Vector128<byte> hi, Vector128<byte> lane0)
        where TPredictor : struct, IPredictor =>
        (TPredictor.Fix(Sse2.ShiftLeftLogical128BitLane(lo, 1), lane0), Ssse3.AlignRight(hi, lo, 15));

    // The unfilter of row bytes [from, to) given the bytes before them, as the specification says.
    private static void Scalar(byte filter, ref byte row, int stride, int bpp, int from, int to)
    {
        ref byte up = ref Unsafe.Subtract(ref row, stride);
        for (int x = from; x < to; x++)
        {
            int a = x >= bpp ? Unsafe.Add(ref row, x - bpp) : 0;
            int b = Unsafe.Add(ref up, x);
            int c = x >= bpp ? Unsafe.Add(ref up, x - bpp) : 0;
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
}
