using CsCheck;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Rle;

[Trait("Category", "Unit")]
public class RleRoundTripProperties
{
    // Sizes 1..300, content noise, long runs, short runs or checkerboard; the seed fixes the pixels.
    private static readonly Gen<(int Width, int Height, int Kind, int Seed)> Images =
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 24], Gen.Int[0, 3], Gen.Int);

    private static BitImage Make((int Width, int Height, int Kind, int Seed) c) => c.Kind switch
    {
        0 => TestImages.Noise(c.Width, c.Height, c.Seed),
        1 => TestImages.Runs(c.Width, c.Height, c.Seed, maxRun: 400),
        2 => TestImages.Runs(c.Width, c.Height, c.Seed, maxRun: 8),
        _ => TestImages.Checkerboard(c.Width, c.Height, cell: 1 + (Math.Abs(c.Seed) % 5)),
    };

    [Fact]
    public void EncodeThenDecodeGivesTheSameImage() =>
        Images.Sample(c =>
        {
            BitImage image = Make(c);
            Assert.Equal(image, RleDecoder.Decode(RleEncoder.Encode(image)));
        }, iter: 3000);

    [Fact]
    public void TheWordEncoderEqualsTheBitByBitReference() =>
        Images.Sample(c =>
        {
            BitImage image = Make(c);
            Assert.Equal(ReferenceRleEncoder.Encode(image), RleEncoder.Encode(image));
        }, iter: 3000);

    [Fact]
    public void EveryRunByteHasALengthFrom1To127AndNoRunCrossesAChunk() =>
        Images.Sample(c =>
        {
            BitImage image = Make(c);
            byte[] rle = RleEncoder.Encode(image);
            int x = 0;
            foreach (byte run in rle.AsSpan(RleFormat.HeaderSize))
            {
                int length = run & RleFormat.LengthMask;
                Assert.InRange(length, 1, 127);
                int chunkEnd = ((x % image.Width / RleFormat.ChunkPixels) + 1) * RleFormat.ChunkPixels;
                Assert.True((x % image.Width) + length <= Math.Min(chunkEnd, image.Width));
                x += length;
            }

            Assert.Equal(image.PixelCount, x);
        }, iter: 1000);

    [Fact]
    public void TruncatingAValidEncodingAnywhereIsRefused() =>
        Images.Select(Gen.Int[0, int.MaxValue]).Sample(t =>
        {
            byte[] rle = RleEncoder.Encode(Make(t.Item1));
            int cut = t.Item2 % rle.Length;
            Assert.Throws<RleFormatException>(() => RleDecoder.Decode(rle.AsSpan(0, cut)));
        }, iter: 1000);
}
