using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>GIF frames are decoded from the data Pillow 9.4's decoder would use, and no more.</summary>
[Trait("Category", "Unit")]
public class GifIntakeTests
{
    // A 2x1 GIF, global table (0,0,0), (1,1,1); its frame's LZW data is one 2-byte sub-block: clear, 0, 1.
    private static readonly byte[] Head = [.. "GIF89a"u8, 2, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 1, 1, 1, (byte)',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 2];

    [Fact]
    public void Frame_whose_last_sub_block_is_cut_by_the_end_of_the_file_is_truncated_even_if_its_bytes_hold_every_pixel()
    {
        // The sub-block says 3 bytes, 2 are there (and they hold both pixels): Pillow's GIF decoder starts no block
        // it does not hold whole, so it raises "image file is truncated". Found by gen_gif.py (seed 77, 1200 files).
        byte[] cut = [.. Head, 3, 0x44, 0x0A];

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(cut, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frame_whose_whole_sub_blocks_hold_every_pixel_is_read_without_a_terminator_or_trailer()
    {
        byte[] noTerminator = [.. Head, 2, 0x44, 0x0A];

        using BitImage image = ImageIntake.Decode(noTerminator, IntakeOptions.Default);

        Assert.Equal(2, image.Width);
    }
}
