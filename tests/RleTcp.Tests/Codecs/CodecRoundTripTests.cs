using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.G4;

namespace RleTcp.Tests.Codecs;

/// <summary>Every registered codec decodes what it encodes, on the whole corpus, and is found again by its magic.</summary>
[Trait("Category", "Unit")]
public class CodecRoundTripTests
{
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (IBilevelCodec codec in BilevelCodecs.All)
            {
                data.Add(codec.Name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryCodecDecodesItsOwnOutputToTheSameBitsOnTheWholeCorpus(string name)
    {
        Assert.True(BilevelCodecs.TryGet(name, out IBilevelCodec codec));
        var failures = new List<string>();
        foreach ((string image, BitImage bits) in CodecCorpus.All())
        {
            using var output = new ArrayPoolBufferWriter<byte>();
            codec.Encode(bits, output, new BilevelEncodeOptions { Dpi = 200 });
            using BitImage back = codec is G4Codec g4
                ? g4.Decode(output.WrittenSpan, bits.Width, bits.PixelCount)
                : codec.Decode(output.WrittenSpan, bits.PixelCount);
            if (!bits.Equals(back))
            {
                failures.Add(image);
            }

            if (codec is not G4Codec)
            {
                Assert.Same(codec, BilevelCodecs.Detect(output.WrittenSpan));
            }
        }

        Assert.True(failures.Count == 0, $"{name} changed the bits of: {string.Join(", ", failures.Take(30))}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryDecoderRefusesAnImageOneOverThePixelBudgetAsTooLarge(string name)
    {
        Assert.True(BilevelCodecs.TryGet(name, out IBilevelCodec codec));
        var image = new BitImage(50, 40);
        using var output = new ArrayPoolBufferWriter<byte>();
        codec.Encode(image, output);
        BilevelFormatException e = codec is G4Codec g4
            ? Assert.Throws<BilevelFormatException>(() => g4.Decode(output.WrittenSpan, 50, 1999))
            : Assert.Throws<BilevelFormatException>(() => codec.Decode(output.WrittenSpan, 1999));
        Assert.Equal(BilevelFormatError.TooLarge, e.Error);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryDecoderRefusesEveryTruncationOfAValidFileWithAnOffsetInsideTheData(string name)
    {
        Assert.True(BilevelCodecs.TryGet(name, out IBilevelCodec codec));
        using BitImage image = Support.TestImages.Runs(70, 9, seed: 3, maxRun: 30);
        using var output = new ArrayPoolBufferWriter<byte>();
        codec.Encode(image, output);
        byte[] file = output.WrittenSpan.ToArray();
        for (int length = 0; length < file.Length; length++)
        {
            byte[] cut = file[..length];
            try
            {
                using BitImage decoded = codec is G4Codec g4 ? g4.Decode(cut, 70, long.MaxValue) : codec.Decode(cut, long.MaxValue);

                // An arithmetic or zero-padded code can lose its last bytes and still decode: then it must be the same image.
                Assert.True(image.Equals(decoded), $"{name}: a {length}-byte prefix of {file.Length} decoded to different bits");
            }
            catch (BilevelFormatException e)
            {
                Assert.InRange(e.Offset, 0, length);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(333)]
    public void PbmPaddingBitsPastTheWidthAreZeroAsNetpbmWritesThem(int width)
    {
        BitImage white = Support.TestImages.Solid(width, 3, white: true);
        BitImage black = Support.TestImages.Solid(width, 3, white: false);
        int rowBytes = BitImage.BytesPerPackedRow(width);
        foreach (BitImage image in new[] { white, black })
        {
            byte[] pbm = BilevelCodecs.Encode(BilevelCodecs.Get("pbm"), image);
            int padding = (rowBytes * 8) - width;
            int header = $"P4\n{width} 3\n".Length;
            Assert.Equal(header + (rowBytes * 3), pbm.Length);
            for (int y = 0; y < 3; y++)
            {
                Assert.Equal(0, pbm[header + (y * rowBytes) + rowBytes - 1] & ((1 << padding) - 1));
            }
        }
    }
}
