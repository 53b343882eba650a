using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The PNG Paeth unfilter for 3- and 4-byte pixels (8-bit RGB and RGBA, 16-bit grey+alpha) a whole pixel at a time:
/// the channels of a pixel are independent, so one 128-bit step predicts all of them, with no branch.
/// </summary>
/// <remarks>
/// Pixels still follow one another (each needs its left neighbour decoded), but one vector step per pixel replaces
/// three or four scalar predictor evaluations. The left pixel stays in a register between steps. Each step reads and
/// writes four bytes; for 3-byte pixels the fourth lane's predictor is masked to zero, so the byte after the pixel is
/// written back unchanged, and the last pixel, whose fourth byte would lie past the row, is left to the caller.
/// </remarks>
internal static class PngPaethPixels
{
    /// <summary>Whether <see cref="Apply"/> runs on this CPU (SSSE3).</summary>
    public static bool IsSupported => Ssse3.IsSupported;

    /// <summary>
    /// Unfilters pixels 1 onwards of <paramref name="row"/> (<paramref name="bpp"/> = 3 or 4; pixel 0 already
    /// unfiltered, its predictor is "above") as far as a four-byte step stays inside the row; returns the first byte
    /// it did not do (the caller finishes from there with the scalar predictor).
    /// </summary>
    public static int Apply(Span<byte> row, ReadOnlySpan<byte> up, int bpp)
    {
        if (!Ssse3.IsSupported || bpp is not (3 or 4) || up.Length < row.Length)
        {
            return bpp;
        }

        int n = row.Length;
        if (n < bpp + 4)
        {
            return Math.Min(bpp, n);
        }

        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte u = ref MemoryMarshal.GetReference(up);
        Vector128<short> lanes = bpp == 3 ? Vector128.Create(-1, -1, -1, 0, 0, 0, 0, 0) : Vector128.Create(-1, -1, -1, -1, 0, 0, 0, 0);
        Vector128<short> low = Vector128.Create((short)0xFF);
        Vector128<short> a = Widen(ref r);
        Vector128<short> c = Widen(ref u);
        int i = bpp;
        for (; i + 4 <= n; i += bpp)
        {
            Vector128<short> b = Widen(ref Unsafe.Add(ref u, i));
            Vector128<short> raw = Widen(ref Unsafe.Add(ref r, i));
            Vector128<short> pa = Ssse3.Abs(b - c).AsInt16();
            Vector128<short> pb = Ssse3.Abs(a - c).AsInt16();
            Vector128<short> pc = Ssse3.Abs(a + b - c - c).AsInt16();
            Vector128<short> useA = Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc);
            Vector128<short> useB = Vector128.LessThanOrEqual(pb, pc);
            Vector128<short> predictor = Vector128.ConditionalSelect(useA, a, Vector128.ConditionalSelect(useB, b, c)) & lanes;
            Vector128<short> value = (raw + predictor) & low;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref r, i), Sse2.PackUnsignedSaturate(value, value).AsUInt32().ToScalar());
            a = value;
            c = b;
        }

        return i;
    }

    // Four bytes at `source` in the low four 16-bit lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Widen(ref byte source) =>
        Sse2.UnpackLow(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref source)).AsByte(), Vector128<byte>.Zero).AsInt16();
}
