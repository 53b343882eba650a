using System.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Rle;

[Trait("Category", "Unit")]
public class RleEncoderTests
{
    [Fact]
    public void HeaderIsLittleEndianWidthThenHeight()
    {
        byte[] rle = RleEncoder.Encode(TestImages.Solid(300, 2, white: false));
        Assert.Equal(new byte[] { 0x2C, 0x01, 0x02, 0x00 }, rle[..4]);
    }

    [Fact]
    public void OneWhitePixelIsOneWhiteRunOfLengthOne() =>
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0x81 }, RleEncoder.Encode(TestImages.Solid(1, 1, white: true)));

    [Fact]
    public void OneBlackPixelIsOneBlackRunOfLengthOne() =>
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0x01 }, RleEncoder.Encode(TestImages.Solid(1, 1, white: false)));

    [Theory]
    [InlineData(126, new byte[] { 0xFE })]
    [InlineData(127, new byte[] { 0xFF })]
    [InlineData(128, new byte[] { 0xFF, 0x81 })]
    [InlineData(253, new byte[] { 0xFF, 0xFE })]
    [InlineData(254, new byte[] { 0xFF, 0xFF })]
    [InlineData(255, new byte[] { 0xFF, 0xFF, 0x81 })]
    public void AWhiteRowIsCutAtEveryChunkOf127Pixels(int width, byte[] row)
    {
        byte[] rle = RleEncoder.Encode(TestImages.Solid(width, 1, white: true));
        Assert.Equal(row, rle[4..]);
    }

    [Fact]
    public void ARunStopsAtAChunkBoundaryAndANewRunStartsThereWithTheSameValue()
    {
        // Black 0..99, white 100..199: the white run is cut at x = 127.
        var image = new BitImage(200, 1);
        for (int x = 100; x < 200; x++)
        {
            image[x, 0] = true;
        }

        Assert.Equal(new byte[] { 100, 0x80 | 27, 0x80 | 73 }, RleEncoder.Encode(image)[4..]);
    }

    [Fact]
    public void RunsNeverContinueFromOneRowToTheNext()
    {
        byte[] rle = RleEncoder.Encode(TestImages.Solid(3, 3, white: false));
        Assert.Equal(new byte[] { 3, 3, 3 }, rle[4..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(191)]
    [InlineData(1000)]
    [InlineData(65535)]
    public void MatchesTheReferenceEncoderOnEveryKindOfRowAtEdgeWidths(int width)
    {
        foreach (BitImage image in new[]
                 {
                     TestImages.Noise(width, 2, seed: width),
                     TestImages.Runs(width, 2, seed: width),
                     TestImages.Checkerboard(width, 2),
                     TestImages.Solid(width, 1, true),
                     TestImages.Solid(width, 1, false),
                 })
        {
            Assert.Equal(ReferenceRleEncoder.Encode(image), RleEncoder.Encode(image));
        }
    }

    [Fact]
    public void BandsEncodedSeparatelyConcatenateToTheWholeImage()
    {
        BitImage image = TestImages.Runs(500, 37, seed: 7);
        var writer = new ArrayBufferWriter<byte>();
        RleEncoder.WriteHeader(image.Width, image.Height, writer);
        foreach ((int first, int count) in new[] { (0, 10), (10, 1), (11, 0), (11, 26) })
        {
            RleEncoder.EncodeRows(image, first, count, writer);
        }

        Assert.Equal(RleEncoder.Encode(image), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void NoiseNeverExceedsTheMaximumEncodedLength()
    {
        BitImage image = TestImages.Checkerboard(301, 9);
        Assert.Equal(RleEncoder.MaxEncodedLength(301, 9), RleEncoder.Encode(image).Length);
    }

    [Fact]
    public void EncodingRowsOutsideTheImageIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => RleEncoder.EncodeRows(new BitImage(4, 4), 3, 2, new ArrayBufferWriter<byte>()));
}
