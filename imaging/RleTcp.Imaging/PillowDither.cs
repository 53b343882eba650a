using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RleTcp.Imaging;

/// <summary>
/// The fast form of Pillow 9.4's Floyd–Steinberg (<c>tobilevel</c> in libImaging/Convert.c), bit-identical to
/// <see cref="PillowBilevel.Dither"/>, which stays the readable reference that the tests hold this against.
/// </summary>
/// <remarks>
/// <para>
/// Within a row the only serial dependency is the error carried to the right: pixel <c>x</c> needs the error of
/// <c>x - 1</c>. A row also needs the row above done up to <c>x + 1</c>, so <see cref="Rows"/> rows run together
/// as a wavefront, each two pixels behind the row above it. Their carry chains are independent, so the CPU overlaps
/// them and a pixel costs its share of the instructions rather than the latency of one chain (about 10 cycles).
/// Because a row reads <c>errors[x + 1]</c> at the step where the row above writes <c>errors[x + 3]</c> and the row
/// below writes <c>errors[x - 2]</c>, one <c>width + 1</c> error buffer serves all of them, exactly as in Pillow.
/// </para>
/// <para>
/// The per-pixel work is two table look-ups instead of branches: the C division <c>t / 16</c> (truncating toward
/// zero) and "clip to 0..255, then subtract 255 when above 128". The tables are small (8 KB, 2 KB) and stay in L1.
/// Their ranges follow from the algorithm, whatever the input: the error <c>e</c> of a pixel lies in
/// [−126, 128] (clipped value 0..128 stays, 129..255 minus 255), a row's spread <c>3e + 5e' + e''</c> in
/// [−1134, 1152], the carry <c>7e</c> in [−882, 896]; so <c>t</c> lies in [−2016, 2048], <c>t / 16</c> in
/// [−126, 128] and the unclipped value <c>v + t / 16</c> in [−126, 383].
/// </para>
/// <para>
/// Each pixel's result is one byte whose top bit is set for white (<see cref="MsbPacker"/> turns those into a
/// row of bits), so the output costs one store and no branch either.
/// </para>
/// </remarks>
internal static class PillowDither
{
    /// <summary>How many rows run together (enough to hide a carry chain's latency behind the others).</summary>
    public const int Rows = 4;

    /// <summary>
    /// How many steps a group of four rows must have completed beyond the step a group below it is about to reach
    /// (see <see cref="StepsOfFour"/>).
    /// </summary>
    public const int GroupLag = (Lag * (Rows - 1)) + 1;

    // Two pixels: the row below needs errors[x + 1], which this row writes one step after pixel x.
    private const int Lag = 2;

    private const int TMin = -2016, TMax = 2048;
    private const int WMin = -126, WMax = 383;

    // trunc(t / 16) for t in [TMin, TMax], as C's '/' (and C#'s) rounds.
    private static readonly short[] s_quotient = BuildQuotients();

    // For an unclipped value w in [WMin, WMax]: the error Pillow spreads, CLIP8(w) - (CLIP8(w) > 128 ? 255 : 0).
    private static readonly int[] s_error = BuildErrors();

    /// <summary>
    /// Dithers <paramref name="rows"/> consecutive rows of <paramref name="width"/> values (row <c>r</c> at
    /// <c>values[r * valueStride]</c>), continuing from <paramref name="errors"/> (<c>width + 1</c> entries, zero
    /// before an image's first row) and leaving them for the next rows. Row <c>r</c>'s result goes to
    /// <c>msbs[r * msbStride ..]</c>, one byte per pixel, 0x80 set for white and clear for black.
    /// </summary>
    public static void DitherRows(
        ReadOnlySpan<byte> values, int valueStride, int width, int rows, Span<int> errors, Span<byte> msbs, int msbStride)
    {
        if (width <= 0 || rows <= 0)
        {
            return;
        }

        // The loops below index without bounds checks; these make every index they form valid.
        if (errors.Length < width + 1 || values.Length < ((rows - 1) * (long)valueStride) + width
            || msbs.Length < ((rows - 1) * (long)msbStride) + width || valueStride < width || msbStride < width)
        {
            throw new ArgumentException("The buffers are smaller than the rows they are said to hold.");
        }

        ref byte v = ref MemoryMarshal.GetReference(values);
        ref byte o = ref MemoryMarshal.GetReference(msbs);
        ref int e = ref MemoryMarshal.GetReference(errors);
        int r = 0;
        for (; r + Rows <= rows; r += Rows)
        {
            DitherFour(ref Unsafe.Add(ref v, r * valueStride), valueStride, ref Unsafe.Add(ref o, r * msbStride), msbStride, width, ref e);
        }

        for (; r < rows; r++)
        {
            DitherOne(ref Unsafe.Add(ref v, r * valueStride), ref Unsafe.Add(ref o, r * msbStride), width, ref e);
        }
    }

    /// <summary>One row alone (the rows left over when fewer than <see cref="Rows"/> remain).</summary>
    private static void DitherOne(ref byte v, ref byte o, int width, ref int errors)
    {
        ref short q = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_quotient), -TMin);
        ref int te = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_error), -WMin);
        int c = 0, a = 0, b = 0;
        for (int x = 0; x < width; x++)
        {
            int w = Unsafe.Add(ref v, x) + Unsafe.Add(ref q, c + Unsafe.Add(ref errors, x + 1));
            int err = Unsafe.Add(ref te, w);
            Unsafe.Add(ref o, x) = (byte)((128 - w) >> 24);
            c = 7 * err;
            Unsafe.Add(ref errors, x) = (3 * err) + a;
            a = (5 * err) + b;
            b = err;
        }

        Unsafe.Add(ref errors, width) = a;
    }

    /// <summary>Four rows as a wavefront, all of their steps (see <see cref="DitherFourSteps"/>).</summary>
    private static void DitherFour(ref byte v0, int vStride, ref byte o0, int oStride, int width, ref int errors)
    {
        var carries = default(FourRowCarries);
        DitherFourSteps(ref v0, vStride, ref o0, oStride, width, ref errors, 0, StepsOfFour(width), ref carries);
    }

    /// <summary>How many wavefront steps four rows of <paramref name="width"/> pixels take.</summary>
    /// <remarks>
    /// Row <c>k</c> is at pixel <c>T - Lag * k</c> at step <c>T</c>; the last step writes row 3's final
    /// <c>errors[width]</c>. After step <c>T</c> the last row is final (and its errors are) up to pixel
    /// <c>T - Lag * 3</c>, which is what a group of rows below waits for.
    /// </remarks>
    public static int StepsOfFour(int width) => width + (Lag * (Rows - 1)) + 1;

    /// <summary>
    /// Steps <paramref name="from"/> to <paramref name="to"/> (exclusive) of four rows as a wavefront: row <c>k</c>
    /// at pixel <c>T - Lag * k</c> at step <c>T</c>, its carries kept in <paramref name="carries"/> between calls.
    /// </summary>
    public static void DitherFourSteps(
        ref byte v0, int vStride, ref byte o0, int oStride, int width, ref int errors, int from, int to, ref FourRowCarries carries)
    {
        ref short q = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_quotient), -TMin);
        ref int te = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_error), -WMin);
        ref byte v1 = ref Unsafe.Add(ref v0, vStride);
        ref byte v2 = ref Unsafe.Add(ref v1, vStride);
        ref byte v3 = ref Unsafe.Add(ref v2, vStride);
        ref byte o1 = ref Unsafe.Add(ref o0, oStride);
        ref byte o2 = ref Unsafe.Add(ref o1, oStride);
        ref byte o3 = ref Unsafe.Add(ref o2, oStride);
        int c0 = carries.C0, a0 = carries.A0, b0 = carries.B0, c1 = carries.C1, a1 = carries.A1, b1 = carries.B1;
        int c2 = carries.C2, a2 = carries.A2, b2 = carries.B2, c3 = carries.C3, a3 = carries.A3, b3 = carries.B3;

        // Steps where some row is before its start or past its end take the checked form; in between, all four
        // rows are inside [0, width) and run without checks.
        int fullFrom = Lag * (Rows - 1), fullTo = Math.Max(fullFrom, width);
        for (int t = from; t < to; t++)
        {
            if (t >= fullFrom && t < fullTo)
            {
                int end = Math.Min(to, fullTo);
                for (; t < end; t++)
                {
                    Step(ref v0, ref o0, t, ref errors, ref q, ref te, ref c0, ref a0, ref b0);
                    Step(ref v1, ref o1, t - Lag, ref errors, ref q, ref te, ref c1, ref a1, ref b1);
                    Step(ref v2, ref o2, t - (2 * Lag), ref errors, ref q, ref te, ref c2, ref a2, ref b2);
                    Step(ref v3, ref o3, t - (3 * Lag), ref errors, ref q, ref te, ref c3, ref a3, ref b3);
                }

                if (t >= to)
                {
                    break;
                }
            }

            Edge(ref v0, ref o0, t, width, ref errors, ref q, ref te, ref c0, ref a0, ref b0);
            Edge(ref v1, ref o1, t - Lag, width, ref errors, ref q, ref te, ref c1, ref a1, ref b1);
            Edge(ref v2, ref o2, t - (2 * Lag), width, ref errors, ref q, ref te, ref c2, ref a2, ref b2);
            Edge(ref v3, ref o3, t - (3 * Lag), width, ref errors, ref q, ref te, ref c3, ref a3, ref b3);
        }

        carries = new FourRowCarries
        {
            C0 = c0, A0 = a0, B0 = b0, C1 = c1, A1 = a1, B1 = b1, C2 = c2, A2 = a2, B2 = b2, C3 = c3, A3 = a3, B3 = b3,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Edge(
        ref byte v, ref byte o, int x, int width, ref int errors, ref short q, ref int te, ref int c, ref int a, ref int b)
    {
        if ((uint)x < (uint)width)
        {
            Step(ref v, ref o, x, ref errors, ref q, ref te, ref c, ref a, ref b);
        }
        else if (x == width)
        {
            Unsafe.Add(ref errors, width) = a;
        }
    }

    // One pixel of tobilevel: c is the carry (Pillow's l after the spread, 7e), a and b its l0 and l1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref byte v, ref byte o, int x, ref int errors, ref short q, ref int te, ref int c, ref int a, ref int b)
    {
        int w = Unsafe.Add(ref v, x) + Unsafe.Add(ref q, c + Unsafe.Add(ref errors, x + 1));
        int err = Unsafe.Add(ref te, w);

        // w > 128 is white: 128 - w is then negative, and its sign lands in the byte's top bit.
        Unsafe.Add(ref o, x) = (byte)((128 - w) >> 24);
        c = 7 * err;
        Unsafe.Add(ref errors, x) = (3 * err) + a;
        a = (5 * err) + b;
        b = err;
    }

    private static short[] BuildQuotients()
    {
        // short, not sbyte: t / 16 reaches 128.
        var table = new short[TMax - TMin + 1];
        for (int t = TMin; t <= TMax; t++)
        {
            table[t - TMin] = (short)(t / 16);
        }

        return table;
    }

    private static int[] BuildErrors()
    {
        var table = new int[WMax - WMin + 1];
        for (int w = WMin; w <= WMax; w++)
        {
            int l = Math.Clamp(w, 0, 255);
            table[w - WMin] = l > 128 ? l - 255 : l;
        }

        return table;
    }
}

/// <summary>The error carries of four rows in a wavefront, kept between calls that each run part of its steps.</summary>
internal struct FourRowCarries
{
#pragma warning disable SA1600, CS1591 // Pillow's l, l0, l1 of rows 0-3 (see PillowDither.Step).
    public int C0, A0, B0, C1, A1, B1, C2, A2, B2, C3, A3, B3;
#pragma warning restore SA1600, CS1591
}
