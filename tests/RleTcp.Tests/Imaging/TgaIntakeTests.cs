using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// TGA as Pillow 9.4 reads it (issues 11 and 18): never an image whose pixels are not in the file, 1-bit grey TGA,
/// colour maps that start past index 0. The randomized side is Differential/gen_tga.py.
/// </summary>
[Trait("Category", "Unit")]
public class TgaIntakeTests
{
    [Fact]
    public void Tga_that_is_its_header_alone_is_InvalidImage_saying_the_pixels_are_missing()
    {
        byte[] tga = Header(type: 2, width: 40, height: 30, depth: 24);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tga, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("pixels need 3600 bytes, 0 are present", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rle_tga_whose_packets_stop_early_is_InvalidImage()
    {
        // 10x10 grey RLE: two packets of 30 repeated pixels cover 60 of the 100.
        byte[] tga = [.. Header(type: 11, width: 10, height: 10, depth: 8), 0x80 | 29, 200, 0x80 | 29, 10];

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tga, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("RLE packets stop after 60 of 100 pixels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_bit_grey_tga_is_read_bottom_up_with_set_bits_white()
    {
        // 10x2, bottom-up (flags 0): the first row in the file is the bottom row.
        byte[] tga = [.. Header(type: 3, width: 10, height: 2, depth: 1), 0xFF, 0xC0, 0x80, 0x00];

        using BitImage image = ImageIntake.Decode(tga, IntakeOptions.Default);

        for (int x = 0; x < 10; x++)
        {
            Assert.True(image[x, 1], $"bottom row, pixel {x}");
            Assert.Equal(x == 0, image[x, 0]);
        }
    }

    [Fact]
    public void Colour_mapped_tga_whose_map_starts_past_index_0_takes_each_index_from_the_map()
    {
        // Map entries 5 (black) and 6 (white), 24-bit BGR; pixels 6, 5, 6 in one top-down row.
        byte[] header = Header(type: 1, width: 3, height: 1, depth: 8, flags: 0x20);
        header[1] = 1;
        header[3] = 5; // first entry index
        header[5] = 2; // entries
        header[7] = 24;
        byte[] tga = [.. header, 0, 0, 0, 255, 255, 255, 6, 5, 6];

        using BitImage image = ImageIntake.Decode(tga, IntakeOptions.Default);

        Assert.True(image[0, 0]);
        Assert.False(image[1, 0]);
        Assert.True(image[2, 0]);
    }

    internal static byte[] Header(byte type, int width, int height, byte depth, byte flags = 0)
    {
        var header = new byte[18];
        header[2] = type;
        header[12] = (byte)width;
        header[13] = (byte)(width >> 8);
        header[14] = (byte)height;
        header[15] = (byte)(height >> 8);
        header[16] = depth;
        header[17] = flags;
        return header;
    }
}
