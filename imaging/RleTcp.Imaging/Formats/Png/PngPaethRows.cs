using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The PNG Paeth unfilter of <see cref="Rows"/> consecutive scanlines at once, as a wavefront: on grey and colour
/// scans, where residuals are rarely zero, one row's bytes form a serial chain (each needs the byte to its left),
/// and four independent chains run in the time of about one.
/// </summary>
/// <remarks>
/// Byte <c>x</c> of a row needs the row above decoded up to <c>x</c> (its "above" and "upper left"), nothing more,
/// so row <c>k</c> of the group runs one byte behind row <c>k - 1</c>: at step <c>t</c> row <c>k</c> decodes byte
/// <c>t - k</c>, which its neighbour above finished a step earlier. The left byte is read back from the row rather
/// than kept in a register, so the same loop serves every filter unit (bpp); the store-to-load latency this adds is
/// hidden behind the other rows. The predictor is <see cref="PngUnfilter.Predict"/>, without branches.
/// </remarks>
internal static class PngPaethRows
{
    /// <summary>How many rows run together.</summary>
    public const int Rows = 4;

    /// <summary>
    /// Unfilters the <see cref="Rows"/> rows of <paramref name="rowBytes"/> bytes at <c>block[first + k * stride]</c>
    /// (without their filter bytes, all Paeth), in place; the unfiltered row above the first is at
    /// <c>block[first - stride]</c>. <paramref name="bpp"/> is the filter unit (bytes per complete pixel, at least 1).
    /// </summary>
    public static void Apply(Span<byte> block, int first, int stride, int rowBytes, int bpp)
    {
        // The loops below index without bounds checks; this makes every index they form valid.
        if (bpp < 1 || rowBytes < 1 || stride < rowBytes || first < stride
            || first + ((Rows - 1) * (long)stride) + rowBytes > block.Length)
        {
            throw new ArgumentException("The block is smaller than the rows it is said to hold.");
        }

        ref byte r0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(block), first);
        ref byte r1 = ref Unsafe.Add(ref r0, stride);
        ref byte r2 = ref Unsafe.Add(ref r1, stride);
        ref byte r3 = ref Unsafe.Add(ref r2, stride);
        int n = rowBytes;

        // Steps where some row is before its first full-predictor byte or past its end take the checked form; in
        // between, every row's byte has a left neighbour and lies inside the row.
        int fullFrom = bpp + Rows - 1, fullTo = Math.Max(fullFrom, n);
        int steps = n + Rows - 1;
        for (int t = 0; t < steps; t++)
        {
            if (t == fullFrom)
            {
                for (; t < fullTo; t++)
                {
                    Step(ref r0, t, stride, bpp);
                    Step(ref r1, t - 1, stride, bpp);
                    Step(ref r2, t - 2, stride, bpp);
                    Step(ref r3, t - 3, stride, bpp);
                }

                if (t >= steps)
                {
                    break;
                }
            }

            Edge(ref r0, t, stride, n, bpp);
            Edge(ref r1, t - 1, stride, n, bpp);
            Edge(ref r2, t - 2, stride, n, bpp);
            Edge(ref r3, t - 3, stride, n, bpp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Edge(ref byte row, int x, int stride, int n, int bpp)
    {
        if ((uint)x >= (uint)n)
        {
            return;
        }

        if (x >= bpp)
        {
            Step(ref row, x, stride, bpp);
        }
        else
        {
            // No left pixel: a and c count as 0, so the predictor is the byte above.
            Unsafe.Add(ref row, x) += Unsafe.Add(ref row, x - stride);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref byte row, int x, int stride, int bpp)
    {
        ref byte value = ref Unsafe.Add(ref row, x);
        ref byte above = ref Unsafe.Add(ref value, -stride);
        value += PngUnfilter.Predict(Unsafe.Add(ref value, -bpp), above, Unsafe.Add(ref above, -bpp));
    }
}
