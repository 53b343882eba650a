using System.Buffers.Binary;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.Jbig2;

namespace RleTcp.Tests.Fuzz;

/// <summary>The g4-decoder and jbig2-decoder fuzz targets' kept inputs, replayed with the targets' own oracle.</summary>
[Trait("Category", "Unit")]
public sealed class CodecDecoderFuzzRegressionTests
{
    // fuzz/RleTcp.Fuzz/CodecDecoderTargets.cs: the budget, and twice its bitmap + 16 B per input byte + 256 KiB.
    private const long MaxPixels = 1 << 20;

    public static TheoryData<string> G4Inputs => FuzzInputs.For("g4-decoder");

    public static TheoryData<string> Jbig2Inputs => FuzzInputs.For("jbig2-decoder");

    [Theory]
    [MemberData(nameof(G4Inputs))]
    public void DecodingAKeptG4InputThrowsOnlyBilevelFormatExceptionAndStaysInTheBudget(string file)
    {
        byte[] input = FuzzInputs.Read(file);
        int width = 1 + (BinaryPrimitives.ReadUInt16LittleEndian(input) % 4096);
        Check(file, input, data => G4Codec.Instance.Decode(data.AsSpan(2), width, MaxPixels));
    }

    [Theory]
    [MemberData(nameof(Jbig2Inputs))]
    public void DecodingAKeptJbig2InputThrowsOnlyBilevelFormatExceptionAndStaysInTheBudget(string file) =>
        Check(file, FuzzInputs.Read(file), data => Jbig2Codec.Instance.Decode(data, MaxPixels));

    private static void Check(string file, byte[] input, Func<byte[], BitImage> decode)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? escaped = Record.Exception(() =>
        {
            using BitImage image = decode(input);
            Assert.InRange(image.PixelCount, 1, MaxPixels);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(escaped is null or BilevelFormatException, $"{file}: {escaped}");
        long limit = (2 * MaxPixels / 8) + (16L * input.Length) + (256 * 1024);
        Assert.True(allocated <= limit, $"{file}: {input.Length} bytes made the decoder allocate {allocated} (limit {limit})");
    }
}
