using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RleTcp.Imaging;

/// <summary>
/// Pillow 9.4's grey value of an RGB pixel on the way to "1": <c>L(rgb) / 1000</c>, where
/// <c>L = R*299 + G*587 + B*114</c> (Convert.c's <c>L</c> macro, as <c>tobilevel</c> uses it), truncated.
/// A row at a time, 16 pixels per step with SSSE3/SSE4.1 where the CPU has them.
/// </summary>
/// <remarks>
/// Per four pixels: one load, two byte shuffles that spread R, G, B of two pixels each into 16-bit lanes
/// (<c>R, G, B, 0</c>), two multiply-adds with <c>(299, 587, 114, 0)</c> and one horizontal add give four exact
/// 32-bit sums. The division by 1000 is <c>((L &gt;&gt; 3) * 33555) &gt;&gt; 22</c>: exact for every
/// <c>L</c> in [0, 255000] (floor(floor(L / 8) / 125), and 33555 / 2^22 overshoots 1/125 by less than
/// 1/125 of the largest <c>L / 8</c>; PillowLumaTests checks every value).
/// </remarks>
internal static class PillowLuma
{
    /// <summary>The value of <c>L</c>'s largest input (255, 255, 255).</summary>
    public const int MaxLuma1000 = 255 * 1000;

    /// <summary>
    /// The Pillow grey value of each pixel of <paramref name="pixels"/>, whose first three bytes of every
    /// <paramref name="bytesPerPixel"/> are R, G, B, into <paramref name="values"/> (one per pixel).
    /// </summary>
    public static void Row(ReadOnlySpan<byte> pixels, int bytesPerPixel, Span<byte> values)
    {
        if (bytesPerPixel < 3 || pixels.Length < ((values.Length - 1) * (long)bytesPerPixel) + 3)
        {
            throw new ArgumentException("The row has fewer pixels than values asked for.", nameof(pixels));
        }

        int done = 0;
        if (bytesPerPixel is 3 or 4 && Ssse3.IsSupported && Sse41.IsSupported)
        {
            done = RowVector(pixels, bytesPerPixel, values);
        }

        RowScalar(pixels[(done * bytesPerPixel)..], bytesPerPixel, values[done..]);
    }

    /// <summary>Exactly <c>L / 1000</c> for any <c>L</c> in [0, <see cref="MaxLuma1000"/>], without a division.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DivideBy1000(int luma1000) => ((luma1000 >> PreShift) * Reciprocal) >> PostShift;

    // The one definition of the division both the scalar check and the vector code use (the test checks every L).
    private const int PreShift = 3, Reciprocal = 33555, PostShift = 22;

    /// <summary>The pixels one at a time (where vectors are missing, for the last few pixels, and as the tests' check).</summary>
    internal static void RowScalar(ReadOnlySpan<byte> pixels, int bytesPerPixel, Span<byte> values)
    {
        for (int x = 0, i = 0; x < values.Length; x++, i += bytesPerPixel)
        {
            values[x] = (byte)(PillowBilevel.Luma1000(pixels[i], pixels[i + 1], pixels[i + 2]) / 1000);
        }
    }

    /// <summary>Whole steps of 16 pixels (3 or 4 bytes each); returns how many pixels it did.</summary>
    internal static int RowVector(ReadOnlySpan<byte> pixels, int bytesPerPixel, Span<byte> values)
    {
        // Four 16-byte loads per step, the last at 12 pixels in: it must end inside the row.
        long room = pixels.Length - 16L - (12L * bytesPerPixel);
        if (room < 0)
        {
            return 0;
        }

        int steps = (int)Math.Min(values.Length / 16, (room / (16L * bytesPerPixel)) + 1);

        const byte Z = 0x80;
        Vector128<byte> first, second;
        if (bytesPerPixel == 3)
        {
            first = Vector128.Create((byte)0, Z, 1, Z, 2, Z, Z, Z, 3, Z, 4, Z, 5, Z, Z, Z);
            second = Vector128.Create((byte)6, Z, 7, Z, 8, Z, Z, Z, 9, Z, 10, Z, 11, Z, Z, Z);
        }
        else
        {
            first = Vector128.Create((byte)0, Z, 1, Z, 2, Z, Z, Z, 4, Z, 5, Z, 6, Z, Z, Z);
            second = Vector128.Create((byte)8, Z, 9, Z, 10, Z, Z, Z, 12, Z, 13, Z, 14, Z, Z, Z);
        }

        Vector128<short> weights = Vector128.Create((short)299, 587, 114, 0, 299, 587, 114, 0);
        Vector128<int> reciprocal = Vector128.Create(Reciprocal);
        ref byte src = ref MemoryMarshal.GetReference(pixels);
        ref byte dst = ref MemoryMarshal.GetReference(values);
        int four = 4 * bytesPerPixel;
        for (int s = 0; s < steps; s++)
        {
            ref byte at = ref Unsafe.Add(ref src, s * 4 * four);
            Vector128<int> l0 = Four(Vector128.LoadUnsafe(ref at), first, second, weights, reciprocal);
            Vector128<int> l1 = Four(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, four)), first, second, weights, reciprocal);
            Vector128<int> l2 = Four(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 2 * four)), first, second, weights, reciprocal);
            Vector128<int> l3 = Four(Vector128.LoadUnsafe(ref Unsafe.Add(ref at, 3 * four)), first, second, weights, reciprocal);

            // Values 0..255: the saturating packs change nothing.
            Vector128<byte> bytes = Sse2.PackUnsignedSaturate(Sse2.PackSignedSaturate(l0, l1), Sse2.PackSignedSaturate(l2, l3));
            bytes.StoreUnsafe(ref Unsafe.Add(ref dst, s * 16));
        }

        return steps * 16;
    }

    // Four pixels at the start of `pixels` to four grey values (in 32-bit lanes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Four(
        Vector128<byte> pixels, Vector128<byte> first, Vector128<byte> second, Vector128<short> weights, Vector128<int> reciprocal)
    {
        Vector128<int> a = Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(pixels, first).AsInt16(), weights);
        Vector128<int> b = Sse2.MultiplyAddAdjacent(Ssse3.Shuffle(pixels, second).AsInt16(), weights);
        Vector128<int> luma1000 = Ssse3.HorizontalAdd(a, b);
        return Sse2.ShiftRightLogical(Sse41.MultiplyLow(Sse2.ShiftRightLogical(luma1000, PreShift), reciprocal), PostShift);
    }
}
