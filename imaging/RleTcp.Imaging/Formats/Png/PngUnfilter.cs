using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reverses the PNG row filters in place for bit depths below 8, where the filter unit is one byte (bpp = 1).
/// </summary>
/// <remarks>
/// Sub, Average and Paeth depend on the byte just decoded, so they are serial. But in line art and text most residuals
/// are zero, and a zero residual under Sub repeats the left byte, and under Paeth, wherever the left byte equals the
/// upper-left one, copies the byte above (the predictor is then exactly "above", and stays so while the copy goes on).
/// Those stretches are handled a 64-bit word at a time; only the bytes next to an edge take the per-byte predictor.
/// On a 7200x5600 line-art page as ImageSharp encodes it (Paeth on every row) that is about 4x faster than the
/// per-byte loop; what is left is mostly mispredicted branches where the row diverges from the one above.
/// Up has no serial dependency and is a plain SIMD add.
/// </remarks>
internal static class PngUnfilter
{
    /// <summary>Unfilters <paramref name="row"/> (without its filter byte) given the unfiltered row above.</summary>
    public static void Apply(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int y)
    {
        // The word loops below read without bounds checks, relying on this.
        Debug.Assert(row.Length >= 1 && up.Length == row.Length, "A row and the one above have the same length.");
        switch (filter)
        {
            case 0:
                break;
            case 1:
                Sub(row);
                break;
            case 2:
                Up(row, up);
                break;
            case 3:
                Average(row, up);
                break;
            case 4:
                Paeth(row, up);
                break;
            default:
                throw ImageIntakeException.Invalid($"The PNG row {y} has an unknown filter type {filter}.");
        }
    }

    /// <summary>
    /// Unfilters <paramref name="row"/> whose filter unit is <paramref name="bpp"/> bytes (the bytes per complete
    /// pixel, at least 1): the bytes <paramref name="bpp"/> to the left stand for "left", as the specification says.
    /// </summary>
    public static void Apply(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int bpp, int y)
    {
        if (bpp == 1)
        {
            Apply(filter, row, up, y);
            return;
        }

        Debug.Assert(up.Length == row.Length, "A row and the one above have the same length.");
        int n = row.Length;
        int head = Math.Min(bpp, n);
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < n; i++)
                {
                    row[i] += row[i - bpp];
                }

                break;
            case 2:
                Up(row, up);
                break;
            case 3:
                for (int i = 0; i < head; i++)
                {
                    row[i] += (byte)(up[i] >> 1);
                }

                for (int i = bpp; i < n; i++)
                {
                    row[i] += (byte)((row[i - bpp] + up[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < head; i++)
                {
                    row[i] += up[i]; // no left pixel: a and c count as 0, so the predictor is b
                }

                // 3- and 4-byte pixels a pixel at a time where the CPU allows; the rest byte by byte.
                for (int i = PngPaethPixels.Apply(row, up, bpp); i < n; i++)
                {
                    row[i] += Predict(row[i - bpp], up[i], up[i - bpp]);
                }

                break;
            default:
                throw ImageIntakeException.Invalid($"The PNG row {y} has an unknown filter type {filter}.");
        }
    }

    private static void Sub(Span<byte> row)
    {
        ref byte r = ref MemoryMarshal.GetReference(row);
        int n = row.Length, i = 1;
        while (i < n)
        {
            // Zero residuals repeat the byte to the left: eight at a time while a whole word of them is zero.
            ulong fill = Unsafe.Add(ref r, i - 1) * 0x0101_0101_0101_0101UL;
            while (i <= n - 8 && ReadWord(ref Unsafe.Add(ref r, i)) == 0)
            {
                WriteWord(ref Unsafe.Add(ref r, i), fill);
                i += 8;
            }

            if (i < n)
            {
                Unsafe.Add(ref r, i) += Unsafe.Add(ref r, i - 1);
                i++;
            }
        }
    }

    private static void Up(Span<byte> row, ReadOnlySpan<byte> up)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Span<byte> target = row.Slice(i, Vector<byte>.Count);
                (new Vector<byte>(target) + new Vector<byte>(up.Slice(i, Vector<byte>.Count))).CopyTo(target);
            }
        }

        for (; i < row.Length; i++)
        {
            row[i] += up[i];
        }
    }

    private static void Average(Span<byte> row, ReadOnlySpan<byte> up)
    {
        // Rare for 1-bit images (no common encoder picks it); kept simple.
        row[0] += (byte)(up[0] >> 1);
        for (int i = 1; i < row.Length; i++)
        {
            row[i] += (byte)((row[i - 1] + up[i]) >> 1);
        }
    }

    private static void Paeth(Span<byte> row, ReadOnlySpan<byte> up)
    {
        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte u = ref MemoryMarshal.GetReference(up);
        int n = row.Length, i = 0;

        // Two states. "Aligned": the byte to the left equals the one above it (true before the first byte, where both
        // count as zero). Then the predictor is exactly the byte above, so residuals are added to the row above,
        // and a zero residual keeps the row aligned: whole words of zeros copy the row above in one store.
        // "Diverged": the full predictor, byte by byte, until a decoded byte equals the one above it again.
        while (i < n)
        {
            while (i <= n - 8)
            {
                ulong residuals = ReadWord(ref Unsafe.Add(ref r, i));
                ulong above = ReadWord(ref Unsafe.Add(ref u, i));
                if (residuals == 0)
                {
                    WriteWord(ref Unsafe.Add(ref r, i), above);
                    i += 8;
                    continue;
                }

                // The first k bytes (zero residuals) copy the row above; byte k still has "above" as predictor.
                int k = BitOperations.TrailingZeroCount(residuals) >> 3;
                ulong copied = (1UL << (k * 8)) - 1;
                WriteWord(ref Unsafe.Add(ref r, i), (above & copied) | (residuals & ~copied));
                i += k;
                break;
            }

            if (i >= n)
            {
                break;
            }

            // Aligned: this byte's predictor is the byte above.
            byte value = (byte)(Unsafe.Add(ref r, i) + Unsafe.Add(ref u, i));
            Unsafe.Add(ref r, i) = value;
            i++;
            if (value == Unsafe.Add(ref u, i - 1))
            {
                continue; // a zero residual in the last few bytes, too short for a word: still aligned
            }

            // Diverged.
            for (; i < n; i++)
            {
                byte above = Unsafe.Add(ref u, i);
                value = (byte)(Unsafe.Add(ref r, i) + Predict(value, above, Unsafe.Add(ref u, i - 1)));
                Unsafe.Add(ref r, i) = value;
                if (value == above)
                {
                    i++;
                    break;
                }
            }
        }
    }

    // Eight bytes of a row as one word whose lowest byte is the leftmost, whatever the machine's byte order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadWord(ref byte source)
    {
        ulong word = Unsafe.ReadUnaligned<ulong>(ref source);
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteWord(ref byte destination, ulong word) =>
        Unsafe.WriteUnaligned(ref destination, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));

    /// <summary>
    /// The Paeth predictor (PNG specification, section 9.4) in the form stb_image uses: the specification's nearest of
    /// a, b, c to <c>a + b - c</c> is <c>min(a, b)</c> when <c>max(a, b) &lt;= 3c - a - b</c>, <c>max(a, b)</c> when
    /// <c>3c - a - b &lt;= min(a, b)</c>, else <c>c</c> (ties as the specification breaks them; PngPaethRowsTests checks
    /// all 2^24 inputs). It is a shorter chain than the three distances, which matters where each byte waits for the one
    /// to its left; the choices are sign masks, not comparisons, because the JIT keeps a conditional inside a loop as a
    /// branch, and on photographic rows that branch is mispredicted about every other byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte Predict(int a, int b, int c)
    {
        int threshold = (c * 3) - (a + b);
        int d = a - b, below = d & (d >> 31);     // min(a, b) - b
        int lo = b + below, hi = a - below;
        int notLo = (threshold - hi) >> 31;       // all ones unless hi <= threshold
        int t0 = lo ^ ((lo ^ c) & notLo);
        int notHi = (lo - threshold) >> 31;       // all ones unless threshold <= lo
        return (byte)(hi ^ ((hi ^ t0) & notHi));
    }
}
