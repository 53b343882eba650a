using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Issue 11 class 8, a Pillow 9.4 bug RleTcp does not follow (docs/IMAGING.md, "Known differences"): a BMP whose
/// palette is exactly black, white or the grey ramp is switched to raw mode "1" or "L" whatever its bit count, so
/// Pillow reads a 4- or 8-bit file as 1 or 8 bits per pixel. These pin RleTcp's reading, by the file's bit count.
/// </summary>
[Trait("Category", "Unit")]
public class BmpGreyPaletteKnownDifferenceTests
{
    private static readonly byte[] BlackWhite = [0, 0, 0, 0, 255, 255, 255, 0];

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Bmp_of_4_or_8_bits_with_a_black_white_palette_reads_each_pixel_at_its_bit_count(int bits)
    {
        // Row (bottom-up, one row): indices 1 0 1 1 0 0 1 0 1 -> white black white white black black white black white.
        int[] indices = [1, 0, 1, 1, 0, 0, 1, 0, 1];
        byte[] bmp = HandBuiltFiles.Bmp(indices.Length, 1, bits, BlackWhite, Row(indices, bits));

        using BitImage image = ImageIntake.Decode(bmp, IntakeOptions.Default);

        Assert.Equal(indices.Length, image.Width);
        Assert.Equal(indices.Select(i => i == 1), Enumerable.Range(0, indices.Length).Select(x => image[x, 0]));
    }

    [Fact]
    public void Bmp_of_4_bits_with_the_grey_ramp_palette_reads_grey_0_to_15_so_it_is_all_black()
    {
        // Pillow 9.4 reads these bytes as 8-bit greys (0xFF -> white); each pixel is index 15, grey 15: black.
        int[] indices = Enumerable.Repeat(15, 30).ToArray();
        byte[] bmp = HandBuiltFiles.Bmp(indices.Length, 3, 4, HandBuiltFiles.GreyRampPalette(16), [.. Row(indices, 4), .. Row(indices, 4), .. Row(indices, 4)]);

        using BitImage image = ImageIntake.Decode(bmp, IntakeOptions.Default);

        Assert.All(Enumerable.Range(0, 3 * indices.Length), i => Assert.False(image[i % indices.Length, i / indices.Length]));
    }

    private static byte[] Row(int[] indices, int bits)
    {
        int stride = ((indices.Length * bits) + 31) / 32 * 4;
        var row = new byte[stride];
        for (int x = 0; x < indices.Length; x++)
        {
            int bit = x * bits;
            row[bit >> 3] |= (byte)(indices[x] << (8 - bits - (bit & 7)));
        }

        return row;
    }
}
