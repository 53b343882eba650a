using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests;

[Trait("Category", "Unit")]
public class BitImageTests
{
    [Fact]
    public void PackedMsbFirstRowsRoundTripThroughWords()
    {
        byte[] packed = [0b1010_0000, 0b1111_1111, 0b1000_0000];
        var image = BitImage.FromPackedRows(packed, width: 3, height: 3, sourceStride: 1, BitOrder.MsbFirst);
        Assert.True(image[0, 0]);
        Assert.False(image[1, 0]);
        Assert.True(image[2, 0]);
        Assert.True(image[2, 1]);
        Assert.False(image[1, 2]);
        Span<byte> row = stackalloc byte[1];
        image.CopyRowTo(1, row);
        Assert.Equal(0b1110_0000, row[0]); // padding bits are cleared
    }

    [Fact]
    public void LsbFirstAndInvertedRowsMapToTheSamePixels()
    {
        var msb = BitImage.FromPackedRows([0b1100_1010], 8, 1, 1, BitOrder.MsbFirst);
        var lsb = BitImage.FromPackedRows([0b0101_0011], 8, 1, 1, BitOrder.LsbFirst);
        var inverted = BitImage.FromPackedRows([0b0011_0101], 8, 1, 1, BitOrder.MsbFirst, invert: true);
        Assert.Equal(msb, lsb);
        Assert.Equal(msb, inverted);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void FillWhiteKeepsPaddingBitsZero(int width)
    {
        var image = new BitImage(width, 2);
        image.Fill(true);
        Assert.Equal(image.LastWordMask, image.Row(1)[^1]);
        Assert.True(image[width - 1, 1]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(65536, 1)]
    public void DimensionsOutsideTheFormatAreRejected(int width, int height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitImage(width, height));
}
