using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Tests.Fuzz;

/// <summary>The rle-decoder fuzz target's findings, replayed with the target's own checks.</summary>
[Trait("Category", "Unit")]
public sealed class RleDecoderFuzzRegressionTests
{
    /// <summary>fuzz/crashes/rle-decoder and fuzz/regressions/rle-decoder.</summary>
    public static TheoryData<string> Inputs => FuzzInputs.For("rle-decoder");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void DecodingAKeptInputThrowsOnlyRleFormatExceptionAndAllocatesInProportion(string file)
    {
        byte[] rle = FuzzInputs.Read(file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? escaped = Record.Exception(() =>
        {
            using BitImage image = RleDecoder.Decode(rle);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(escaped is null or RleFormatException, $"{file}: {escaped}");
        // The fuzz target's oracle (fuzz/RleTcp.Fuzz/AllocationBound.cs): 16 bytes per input byte + 64 KiB.
        long limit = (16L * rle.Length) + (64 * 1024);
        Assert.True(allocated <= limit, $"{file}: {rle.Length} bytes made the decoder allocate {allocated} (limit {limit})");
    }
}
