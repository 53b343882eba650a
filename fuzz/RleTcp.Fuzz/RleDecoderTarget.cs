using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Fuzz;

/// <summary>
/// <see cref="RleDecoder.Decode"/> on arbitrary bytes: only <see cref="RleFormatException"/> may escape, and the
/// managed memory allocated must stay proportional to the input.
/// </summary>
/// <remarks>
/// The allocation bound is why this target exists beside the unit tests: an honest RLE stream spends at least one byte
/// per 127 pixels, so a decoder that allocates far more than the input can cover is a memory-amplification bug
/// (a 4-byte header must not make it allocate a 65535×65535 bitmap).
/// </remarks>
internal sealed class RleDecoderTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "rle-decoder";

    /// <inheritdoc/>
    public string Asserts =>
        "RleDecoder.Decode throws only RleFormatException, and allocates at most "
        + $"{AllocationBound.BytesPerInputByte} B per input byte + {AllocationBound.FixedBytes / 1024} KiB";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            BitImage image = RleDecoder.Decode(input);
            image.Dispose();
        }
        catch (RleFormatException)
        {
            // The documented refusal.
        }

        AllocationBound.Check(input.Length, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
