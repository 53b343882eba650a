using RleTcp.Client;
using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

[Trait("Category", "Unit")]
public class DecodingHelperTests
{
    [Theory]
    [InlineData(DecodedImageFormat.Png)]
    [InlineData(DecodedImageFormat.Bmp)]
    [InlineData(DecodedImageFormat.Pbm)]
    public void RleTurnedIntoAPictureConvertsBackToTheSameRle(DecodedImageFormat format)
    {
        byte[] rle = File.ReadAllBytes(Vectors.Get("syn_w255_runs.png").ExpectedPath);

        byte[] picture = RleImageFiles.ToImageFile(rle, format);

        Assert.Equal(rle, RleCompressor.Compress(picture, new IntakeOptions()));
    }

    [Fact]
    public void MalformedRleIsAFormatExceptionWithItsOffset()
    {
        byte[] rle = [3, 0, 1, 0, 0x82]; // a 3x1 image whose only run covers 2 pixels: the data ends early

        var error = Assert.Throws<RleFormatException>(() => RleImageFiles.Decode(rle));

        Assert.Equal(5, error.Offset);
    }

    [Theory]
    [InlineData(DecodedImageFormat.Png, ".png")]
    [InlineData(DecodedImageFormat.Bmp, ".bmp")]
    [InlineData(DecodedImageFormat.Pbm, ".pbm")]
    public void EachFormatHasItsExtension(DecodedImageFormat format, string extension) =>
        Assert.Equal(extension, RleImageFiles.Extension(format));
}
