namespace RleTcp.Fuzz;

/// <summary>The memory-amplification oracle of the RLE decoder target.</summary>
internal static class AllocationBound
{
    /// <summary>
    /// One RLE byte covers at most 127 pixels of one row, and a row of w pixels takes ⌈w/64⌉ 8-byte words:
    /// the worst honest ratio is a 65-pixel row (one byte, two words = 16 bytes).
    /// </summary>
    public const long BytesPerInputByte = 16;

    /// <summary>Room for the image object, row bookkeeping and one exception with its message.</summary>
    public const long FixedBytes = 64 * 1024;

    /// <summary>Throws when <paramref name="allocated"/> exceeds what <paramref name="inputLength"/> bytes can justify.</summary>
    /// <exception cref="AmplificationException">The bound is exceeded.</exception>
    public static void Check(int inputLength, long allocated)
    {
        long limit = (BytesPerInputByte * inputLength) + FixedBytes;
        if (allocated > limit)
        {
            throw new AmplificationException(
                $"{inputLength} input bytes made the decoder allocate {allocated} bytes (limit {limit}).");
        }
    }
}

/// <summary>A small input made the code under test allocate out of proportion to it.</summary>
internal sealed class AmplificationException(string message) : Exception(message);
