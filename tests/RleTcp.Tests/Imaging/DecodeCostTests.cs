using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Hardening;

namespace RleTcp.Tests.Imaging;

/// <summary>The header-only estimate of what a decode will hold, which the server's decode-memory budget admits on.</summary>
[Trait("Category", "Unit")]
public class DecodeCostTests
{
    [Fact]
    public void A62ByteWebpDeclaring10000x10000IsEstimatedAtLeastTheMemoryItsDecodeWasMeasuredToTake()
    {
        long estimate = DecodeCost.EstimateBytes(ServerProcessLifecycleTests.Bomb("webp-62-bytes-declaring-10000x10000.webp"), IntakeOptions.Default);

        Assert.InRange(estimate, 710L << 20, 1L << 30); // 710 MiB measured (peak RSS less the baseline)
    }

    [Fact]
    public void ALosslessWebpIsEstimatedAboveALossyOneOfTheSameSize()
    {
        long lossless = DecodeCost.EstimateBytes(ServerProcessLifecycleTests.Bomb("webp-lossless-3.9k-10000x10000.webp"), IntakeOptions.Default);
        long lossy = DecodeCost.EstimateBytes(ServerProcessLifecycleTests.Bomb("webp-62-bytes-declaring-10000x10000.webp"), IntakeOptions.Default);

        Assert.True(lossless > lossy, $"{lossless} <= {lossy}");
        Assert.InRange(lossless, 1060L << 20, 2L << 30); // ~1.06 GiB measured
    }

    [Fact]
    public void A1BitImageReadByTheIntakesOwnReadersCostsAFractionOfAByteAPixel()
    {
        using var image = new BitImage(4000, 3000);
        long png = DecodeCost.EstimateBytes(BitImageWriter.ToPng(image), IntakeOptions.Default);
        long bmp = DecodeCost.EstimateBytes(BitImageWriter.ToBmp(image), IntakeOptions.Default);
        long pbm = DecodeCost.EstimateBytes(BitImageWriter.ToPbm(image), IntakeOptions.Default);

        Assert.All(new[] { png, bmp, pbm }, e => Assert.InRange(e, 12_000_000L / 8, 12_000_000L / 2));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P' })]
    public void ANonImageOrUnreadableHeaderCostsNothingAndDoesNotThrow(byte[] payload)
    {
        Assert.Equal(0, DecodeCost.EstimateBytes(payload, IntakeOptions.Default));
    }

    [Fact]
    public void AnImageOverThePixelLimitCostsNothingBecauseTheDecodeRefusesItFromItsHeader()
    {
        byte[] bomb = ServerProcessLifecycleTests.Bomb("webp-62-bytes-declaring-10000x10000.webp");

        Assert.Equal(0, DecodeCost.EstimateBytes(bomb, IntakeOptions.Default with { MaxPixels = 1_000_000 }));
    }
}
