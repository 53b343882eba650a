using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Rle;

[Trait("Category", "Unit")]
public class RleDecoderTests
{
    [Fact]
    public void DecodesWhiteAndBlackRuns()
    {
        BitImage image = RleDecoder.Decode([3, 0, 2, 0, 0x82, 0x01, 0x03]);
        Assert.Equal(3, image.Width);
        Assert.Equal(2, image.Height);
        Assert.True(image[0, 0]);
        Assert.True(image[1, 0]);
        Assert.False(image[2, 0]);
        Assert.False(image[0, 1]);
    }

    [Fact]
    public void ARunCrossingAChunkBoundaryInsideARowIsAccepted()
    {
        // 100 black then 100 white, written without the cut at 127 the encoder would make.
        BitImage image = RleDecoder.Decode([200, 0, 1, 0, 100, 0x80 | 100]);
        Assert.False(image[99, 0]);
        Assert.True(image[100, 0]);
        Assert.True(image[199, 0]);
    }

    [Fact]
    public void ReadsEveryExpectedVectorBackToItsOwnBytes()
    {
        foreach (VectorCase vector in Vectors.All)
        {
            byte[] expected = File.ReadAllBytes(vector.ExpectedPath);
            BitImage image = RleDecoder.Decode(expected);
            Assert.Equal((vector.Width, vector.Height), (image.Width, image.Height));
            Assert.Equal(expected, RleEncoder.Encode(image));
        }
    }

    [Theory]
    [InlineData(new byte[] { }, RleFormatError.TruncatedHeader, 0)]
    [InlineData(new byte[] { 1, 0, 1 }, RleFormatError.TruncatedHeader, 3)]
    [InlineData(new byte[] { 0, 0, 1, 0 }, RleFormatError.ZeroDimension, 0)]
    [InlineData(new byte[] { 1, 0, 0, 0 }, RleFormatError.ZeroDimension, 2)]
    [InlineData(new byte[] { 2, 0, 1, 0, 0x80 }, RleFormatError.ZeroLengthRun, 4)]
    [InlineData(new byte[] { 2, 0, 1, 0, 0x01, 0x00 }, RleFormatError.ZeroLengthRun, 5)]
    [InlineData(new byte[] { 2, 0, 1, 0, 0x83 }, RleFormatError.RunCrossesRowEnd, 4)]
    [InlineData(new byte[] { 2, 0, 2, 0, 0x01, 0x02 }, RleFormatError.RunCrossesRowEnd, 5)]
    [InlineData(new byte[] { 2, 0, 2, 0, 0x82 }, RleFormatError.TruncatedData, 5)]
    [InlineData(new byte[] { 2, 0, 1, 0, 0x01 }, RleFormatError.TruncatedData, 5)]
    [InlineData(new byte[] { 1, 0, 1, 0 }, RleFormatError.TruncatedData, 4)]
    [InlineData(new byte[] { 1, 0, 1, 0, 0x81, 0x81 }, RleFormatError.TrailingBytes, 5)]
    public void MalformedDataIsRefusedWithTheRuleAndTheByte(byte[] rle, RleFormatError error, long offset)
    {
        var ex = Assert.Throws<RleFormatException>(() => RleDecoder.Decode(rle));
        Assert.Equal(error, ex.Error);
        Assert.Equal(offset, ex.Offset);
        Assert.Contains($"byte {offset}", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x01, 0x00, 0xFF, 0xEE, 0x81 })]
    public void AShortStreamDeclaringAHugeImageIsRefusedBeforeTheBitmapIsAllocated(byte[] rle)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<RleFormatException>(() => RleDecoder.Decode(rle));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(RleFormatError.TruncatedData, ex.Error);
        Assert.Equal(rle.Length, ex.Offset);
        // The exception and its message only: far below the smallest bitmap these headers declare (~490 KB).
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated for a {rle.Length}-byte stream");
    }
}
