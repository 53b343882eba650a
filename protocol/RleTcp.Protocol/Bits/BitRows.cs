using System.Runtime.CompilerServices;
using System.Numerics;

namespace RleTcp.Protocol.Bits;

/// <summary>Word-at-a-time operations on one row of a <see cref="BitImage"/> (MSB-first 64-bit words).</summary>
internal static class BitRows
{
    /// <summary>Sets pixels <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> - 1 with whole-word masks.</summary>
    public static void SetOnes(Span<ulong> row, int start, int count)
    {
        if (count <= 0)
        {
            return;
        }

        int last = start + count - 1;
        int first = start >> 6;
        int lastWord = last >> 6;
        ulong head = ulong.MaxValue >> (start & 63);
        ulong tail = ulong.MaxValue << (63 - (last & 63));
        if (first == lastWord)
        {
            row[first] |= head & tail;
            return;
        }

        row[first] |= head;
        row.Slice(first + 1, lastWord - first - 1).Fill(ulong.MaxValue);
        row[lastWord] |= tail;
    }

    /// <summary>
    /// Writes the changing elements of a row (every x whose bit differs from bit x-1, bit -1 being 0) to
    /// <paramref name="changes"/> in increasing order and returns how many there are. Bits past
    /// <paramref name="width"/> must be zero. <paramref name="changes"/> must hold <paramref name="width"/> entries.
    /// </summary>
    // Hot loop: compiled fully optimised at once, so a first large image does not run it unoptimised (tiered JIT).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FindChanges(ReadOnlySpan<ulong> row, int width, Span<int> changes)
    {
        int count = 0;
        ulong carry = 0;
        for (int i = 0; i < row.Length; i++)
        {
            ulong word = row[i];
            ulong diff = word ^ ((word >> 1) | (carry << 63));
            carry = word & 1;
            int wordStart = i << 6;
            while (diff != 0)
            {
                int bit = BitOperations.LeadingZeroCount(diff);
                changes[count++] = wordStart + bit;
                diff &= ~(0x8000_0000_0000_0000UL >> bit);
            }
        }

        // A set last pixel makes a change at the width itself (the zero padding): that is the row's end, not a change.
        if (count > 0 && changes[count - 1] >= width)
        {
            count--;
        }

        return count;
    }

    /// <summary>Inverts every pixel of <paramref name="source"/> into <paramref name="destination"/>, keeping the padding zero.</summary>
    public static void Invert(ReadOnlySpan<ulong> source, Span<ulong> destination, ulong lastWordMask)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = ~source[i];
        }

        destination[source.Length - 1] &= lastWordMask;
    }
}
