using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Codecs;

public class RleCodecTests
{
    [Theory]
    [MemberData(nameof(Vectors.Names), MemberType = typeof(Vectors))]
    public void TheRleCodecWritesTheReferenceBytesOfEveryVectorAndReadsThemBack(string file)
    {
        byte[] expected = File.ReadAllBytes(Vectors.Get(file).ExpectedPath);
        Assert.True(BilevelCodecs.TryGet("rle", out IBilevelCodec codec));
        using BitImage image = codec.Decode(expected, long.MaxValue);
        using var output = new ArrayPoolBufferWriter<byte>();
        codec.Encode(image, output);
        Assert.True(output.WrittenSpan.SequenceEqual(expected));
        Assert.Same(codec, BilevelCodecs.Detect(expected));
    }

    [Fact]
    public void TheRleCodecRefusesAnImageOverThePixelBudgetBeforeDecodingIt()
    {
        byte[] rle = RleEncoder.Encode(new BitImage(100, 100));
        Assert.True(BilevelCodecs.TryGet("rle", out IBilevelCodec codec));
        var e = Assert.Throws<BilevelFormatException>(() => codec.Decode(rle, maxPixels: 9_999));
        Assert.Equal(BilevelFormatError.TooLarge, e.Error);
        using BitImage fits = codec.Decode(rle, maxPixels: 10_000);
        Assert.Equal(100, fits.Width);
    }

    [Fact]
    public void TheRleCodecReportsTheRleDecodersOffsetOnMalformedData()
    {
        byte[] rle = [2, 0, 1, 0, 0x81, 0x00];
        Assert.True(BilevelCodecs.TryGet("RLE", out IBilevelCodec codec));
        var e = Assert.Throws<BilevelFormatException>(() => codec.Decode(rle, long.MaxValue));
        Assert.Equal(BilevelFormatError.Malformed, e.Error);
        Assert.Equal(5, e.Offset);
        Assert.Equal("rle", e.Codec);
        Assert.IsType<RleFormatException>(e.InnerException);
    }

    [Fact]
    public void TheRegistryListsRleFirstAndKnowsNoUnknownName()
    {
        Assert.Equal("rle", BilevelCodecs.All[0].Name);
        Assert.Equal(BilevelCodecs.DefaultName, BilevelCodecs.All[0].Name);
        Assert.False(BilevelCodecs.TryGet("lzw", out _));
        Assert.Equal(BilevelCodecs.All.Count, BilevelCodecs.All.Select(c => c.Name).Distinct().Count());
        Assert.Null(BilevelCodecs.Detect([0, 0, 0]));
    }
}
