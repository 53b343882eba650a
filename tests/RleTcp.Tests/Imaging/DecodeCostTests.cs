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
    [InlineData(1, 1, 1.0, 3.0)]   // grey, read by our own TIFF reader: the pooled grey band (rounded up to a power of two)
    [InlineData(2, 3, 3.0, 7.0)]   // RGB: the pooled three bands
    public void A_TIFF_is_estimated_from_its_own_header_by_the_reader_that_will_decode_it(int photometric, int samples, double min, double max)
    {
        // A 4000x3000 8-bit header in strips of 16 rows (the estimate reads nothing else): ImageSharp's identify was
        // asked before and every TIFF was charged its 8 bytes a pixel.
        byte[] tiff = TiffHeaderOnly(4000, 3000, photometric, samples);

        long estimate = DecodeCost.EstimateBytes(tiff, IntakeOptions.Default);

        Assert.InRange(estimate, (long)(12_000_000 * min), (long)(12_000_000 * max));
    }

    private static byte[] TiffHeaderOnly(int width, int height, int photometric, int samples)
    {
        (int Tag, int Value)[] tags =
            [(256, width), (257, height), (258, 8), (259, 1), (262, photometric), (273, 8), (277, samples), (278, 16), (279, width * height * samples)];
        byte[] file = new byte[8 + 2 + (tags.Length * 12) + 4];
        "II*\0"u8.CopyTo(file);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)tags.Length);
        for (int i = 0; i < tags.Length; i++)
        {
            Span<byte> entry = file.AsSpan(10 + (i * 12), 12);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)tags[i].Tag);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 4);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)tags[i].Value);
        }

        return file;
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
