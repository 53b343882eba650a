using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests.Imaging;

/// <summary>The dither and threshold rules against cases worked out by hand from Pillow's tobilevel.</summary>
[Trait("Category", "CrossLanguage")]
public class PillowBilevelTests
{
    // A 3x2 image of grey 100, followed by hand through tobilevel:
    // row 0: 100 -> black (err 100); 100 + 700/16 = 143 -> white; 100 + (-784)/16 = 51 -> black; errors = [300, 164, -307, 143]
    // row 1: 100 + 164/16 = 110 -> black; 100 + (770 - 307)/16 = 128 -> black (white needs > 128); 100 + (896 + 143)/16 = 164 -> white
    [Fact]
    public void Dither_matches_a_hand_computed_3x2_grey_100()
    {
        byte[] row = [100, 100, 100];
        int[] errors = new int[4];
        byte[] packed = new byte[1];

        PillowBilevel.Dither(row, errors, packed);
        Assert.Equal(0b0100_0000, packed[0]);
        Assert.Equal([300, 164, -307, 143], errors);

        PillowBilevel.Dither(row, errors, packed);
        Assert.Equal(0b0010_0000, packed[0]);
    }

    [Fact]
    public void Dither_divides_negative_errors_truncating_toward_zero()
    {
        // Row 1: 200 -> white, error -55, spread as errors = [3e, 5e + 3*0, 1e] = [-165, -275, -55]; 0 stays black.
        byte[] row = [200, 0];
        int[] errors = new int[3];
        byte[] packed = new byte[1];

        PillowBilevel.Dither(row, errors, packed);

        Assert.Equal(0b1000_0000, packed[0]);
        Assert.Equal([-165, -275, -55], errors);

        // Row 2, pixel 0: 146 + (-275)/16 = 146 - 17 = 129 -> white (floor division would give 128 -> black).
        // Pixel 1: error 129 - 255 = -126 carried as 7e = -882: 130 + (-882 - 55)/16 = 130 - 58 = 72 -> black.
        byte[] next = [146, 130];
        PillowBilevel.Dither(next, errors, packed);
        Assert.Equal(0b1000_0000, packed[0]);
    }

    [Theory]
    [InlineData(127, false)]
    [InlineData(128, true)]
    [InlineData(255, true)]
    [InlineData(0, false)]
    public void Threshold_is_white_from_128(byte value, bool white)
    {
        byte[] packed = new byte[1];
        PillowBilevel.Threshold([value], packed);
        Assert.Equal(white, packed[0] == 0x80);
    }

    [Theory]
    [InlineData(128, 128, 128, true)] // luma exactly 128000
    [InlineData(0, 218, 0, false)] // 127966
    [InlineData(0, 219, 0, true)] // 128553
    [InlineData(255, 0, 0, false)] // 76245
    [InlineData(255, 255, 0, true)] // 225930
    public void Palette_colours_are_white_when_R299_G587_B114_reaches_128000(byte r, byte g, byte b, bool white)
    {
        byte[] packed = new byte[1];
        PillowBilevel.Threshold([(byte)(PillowBilevel.Luma1000(r, g, b) / 1000)], packed);
        Assert.Equal(white, packed[0] == 0x80);
    }
}
