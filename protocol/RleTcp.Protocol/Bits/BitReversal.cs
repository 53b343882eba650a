using System.Runtime.InteropServices;

namespace RleTcp.Protocol.Bits;

/// <summary>
/// Bit order reversal inside bytes (byte order untouched): LSB-first rows (<see cref="BitOrder.LsbFirst"/>, TIFF
/// FillOrder 2, the first pixel in the least significant bit) to MSB-first and back. The one place it is done, for
/// the codecs here and the intake's TIFF readers.
/// </summary>
internal static class BitReversal
{
    /// <summary>Each byte value with its eight bits in the opposite order, for readers that reverse one byte at a time.</summary>
    public static readonly byte[] Table = BuildTable();

    /// <summary>Reverses the bit order inside each byte of <paramref name="w"/>, leaving the byte order alone.</summary>
    public static ulong InBytes(ulong w)
    {
        w = ((w >> 1) & 0x5555555555555555UL) | ((w & 0x5555555555555555UL) << 1);
        w = ((w >> 2) & 0x3333333333333333UL) | ((w & 0x3333333333333333UL) << 2);
        w = ((w >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((w & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return w;
    }

    /// <summary>Reverses the bit order of every byte of <paramref name="bytes"/> in place.</summary>
    public static void Reverse(Span<byte> bytes) => Reverse(bytes, bytes);

    /// <summary>
    /// Writes each byte of <paramref name="source"/> with its bits reversed into <paramref name="destination"/> (as long
    /// at least; the two may be the same span).
    /// </summary>
    public static void Reverse(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        // Eight bytes a step: the reversal works inside each byte, so the words' byte order does not matter.
        int words = source.Length / 8;
        ReadOnlySpan<ulong> from = MemoryMarshal.Cast<byte, ulong>(source[..(words * 8)]);
        Span<ulong> to = MemoryMarshal.Cast<byte, ulong>(destination[..(words * 8)]);
        for (int i = 0; i < from.Length; i++)
        {
            to[i] = InBytes(from[i]);
        }

        for (int i = words * 8; i < source.Length; i++)
        {
            destination[i] = Table[source[i]];
        }
    }

    private static byte[] BuildTable()
    {
        var table = new byte[256];
        for (int b = 0; b < table.Length; b++)
        {
            table[b] = (byte)InBytes((ulong)b);
        }

        return table;
    }
}
