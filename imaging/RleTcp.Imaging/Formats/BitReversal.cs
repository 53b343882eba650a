namespace RleTcp.Imaging.Formats;

/// <summary>Bit order reversal inside bytes, for TIFF FillOrder 2 (the first pixel in the least significant bit).</summary>
internal static class BitReversal
{
    /// <summary>Each byte value with its eight bits in the opposite order.</summary>
    public static readonly byte[] Table = Enumerable.Range(0, 256)
        .Select(b => (byte)((((ulong)b * 0x0202020202UL) & 0x010884422010UL) % 1023))
        .ToArray();

    /// <summary>Reverses the bit order of every byte of <paramref name="bytes"/> in place.</summary>
    public static void Reverse(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = Table[bytes[i]];
        }
    }
}
