using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RleTcp.Imaging;

/// <summary>
/// Turns one byte per pixel into a <see cref="Protocol.Bits.BitImage"/> row: pixel <c>x</c> is white when the top
/// bit of byte <c>x</c> is set. That is both Pillow's threshold (<c>value &gt;= 128</c>) applied to the values
/// themselves and the form <see cref="PillowDither"/> writes its results in, so one pass serves both.
/// </summary>
internal static class MsbPacker
{
    /// <summary>
    /// Packs <paramref name="width"/> bytes of <paramref name="msbs"/> into <paramref name="words"/>
    /// (<c>ceil(width / 64)</c> of them, pixel 0 in bit 63); bits past <paramref name="width"/> are zero.
    /// </summary>
    public static void Pack(ReadOnlySpan<byte> msbs, int width, Span<ulong> words)
    {
        int full = width >> 6;
        if (msbs.Length < width || words.Length < (width + 63) >> 6)
        {
            throw new ArgumentException("The row is shorter than its width.");
        }

        ref byte src = ref MemoryMarshal.GetReference(msbs);
        for (int i = 0; i < full; i++)
        {
            words[i] = Word(ref Unsafe.Add(ref src, i << 6));
        }

        int rest = width & 63;
        if (rest != 0)
        {
            // The last, partial word from a zero-padded copy (zero bytes are black, so the padding stays clear).
            Span<byte> tail = stackalloc byte[64];
            tail.Clear();
            msbs.Slice(full << 6, rest).CopyTo(tail);
            words[full] = Word(ref MemoryMarshal.GetReference(tail));
        }
    }

    // 64 bytes -> one word, byte 0's top bit in bit 63.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ref byte src) => Vector128.IsHardwareAccelerated ? WordVector(ref src) : WordScalar(ref src);

    /// <summary>64 bytes to one word with 128-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong WordVector(ref byte src)
    {
        {
            // The mask extraction puts byte i in bit i; reversing the 16 bytes first puts byte 0 at the top.
            Vector128<byte> reverse = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
            ulong m0 = Vector128.Shuffle(Vector128.LoadUnsafe(ref src), reverse).ExtractMostSignificantBits();
            ulong m1 = Vector128.Shuffle(Vector128.LoadUnsafe(ref src, 16), reverse).ExtractMostSignificantBits();
            ulong m2 = Vector128.Shuffle(Vector128.LoadUnsafe(ref src, 32), reverse).ExtractMostSignificantBits();
            ulong m3 = Vector128.Shuffle(Vector128.LoadUnsafe(ref src, 48), reverse).ExtractMostSignificantBits();
            return (m0 << 48) | (m1 << 32) | (m2 << 16) | m3;
        }
    }

    /// <summary>64 bytes to one word without vectors (where the hardware has none; tested on every machine).</summary>
    internal static ulong WordScalar(ref byte src)
    {
        ulong word = 0;
        for (int i = 0; i < 8; i++)
        {
            // The top bits of 8 little-endian bytes, moved to bit 0 of each byte, gathered by one multiply into
            // the top byte with byte 0's first (the products land on distinct bits, so nothing carries).
            ulong eight = BinaryPrimitives.ReadUInt64LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref src, i << 3), 8));
            word = (word << 8) | ((((eight >> 7) & 0x0101010101010101UL) * 0x8040201008040201UL) >> 56);
        }

        return word;
    }
}
