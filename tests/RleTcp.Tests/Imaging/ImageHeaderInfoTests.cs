using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Protocol v2's INFO (<see cref="ImageHeaderInfo"/>) says what COMPRESS reads: each format's size, mode and page
/// count come from the header type its reader decodes by (issue 12: one header reader per format). Each case here
/// was answered otherwise by the mode guesses INFO made from ImageSharp's metadata; the randomized differential
/// (reference.py's NAME.expected.mode) checks the mode against Pillow 9.4's on every generated file.
/// </summary>
[Trait("Category", "Unit")]
public class ImageHeaderInfoTests
{
    // A 2x1 GIF whose global table is the grey ramp (0,0,0), (1,1,1): Pillow drops it and opens the file as "L".
    private static readonly byte[] GreyRampGifFrame = [(byte)',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x44, 0x0A, 0];
    private static readonly byte[] GreyRampGifHead = [.. "GIF89a"u8, 2, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 1, 1, 1];

    private static ImageHeaderInfo Info(byte[] file) => ImageHeaderInfo.Read(file, ImageFormats.All);

    [Fact]
    public void Bmp_with_the_grey_ramp_palette_is_mode_L_and_with_black_and_white_mode_1_as_its_reader_converts_it()
    {
        byte[] ramp = HandBuiltFiles.Bmp(4, 1, 8, HandBuiltFiles.GreyRampPalette(256), [0, 100, 200, 255]);
        byte[] blackWhite = HandBuiltFiles.Bmp(8, 1, 1, [0, 0, 0, 0, 255, 255, 255, 0], [0x5A, 0, 0, 0]);
        byte[] colours = HandBuiltFiles.Bmp(8, 1, 1, [0, 0, 255, 0, 255, 0, 0, 0], [0x5A, 0, 0, 0]);

        Assert.Equal(new ImageHeaderInfo("BMP", 4, 1, "L", 1), Info(ramp));
        Assert.Equal(new ImageHeaderInfo("BMP", 8, 1, "1", 1), Info(blackWhite));
        Assert.Equal(new ImageHeaderInfo("BMP", 8, 1, "P", 1), Info(colours));
    }

    [Fact]
    public void Header_less_dib_is_read_by_INFO_as_by_COMPRESS()
    {
        byte[] bmp = HandBuiltFiles.Bmp(4, 1, 8, HandBuiltFiles.GreyRampPalette(256), [0, 100, 200, 255]);
        byte[] dib = bmp[14..];

        using BitImage decoded = ImageIntake.Decode(dib, IntakeOptions.Default);

        Assert.Equal(new ImageHeaderInfo("BMP", decoded.Width, decoded.Height, "L", 1), Info(dib));
    }

    [Fact]
    public void Gif_whose_colour_table_is_the_grey_ramp_is_mode_L()
    {
        byte[] gif = [.. GreyRampGifHead, .. GreyRampGifFrame, (byte)';'];

        Assert.Equal(new ImageHeaderInfo("GIF", 2, 1, "L", 1), Info(gif));
    }

    [Fact]
    public void Gif_frames_are_counted_by_the_walk_the_reader_seeks_with_so_a_stray_byte_between_blocks_is_skipped()
    {
        // Pillow skips a byte between blocks that starts none (n_frames is 2 here); the count refused the file.
        byte[] gif = [.. GreyRampGifHead, 0x00, .. GreyRampGifFrame, .. GreyRampGifFrame, (byte)';'];

        Assert.Equal(2, Info(gif).Frames);
        using BitImage page1 = ImageIntake.Decode(gif, IntakeOptions.Default with { Page = 1 });
        Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(gif, IntakeOptions.Default with { Page = 2 }));
    }

    [Fact]
    public void One_bit_grey_tga_is_mode_1()
    {
        byte[] tga = [.. TgaIntakeTests.Header(type: 3, width: 8, height: 2, depth: 1), 0xF0, 0x0F];

        Assert.Equal(new ImageHeaderInfo("TGA", 8, 2, "1", 1), Info(tga));
    }

    [Fact]
    public void Sixteen_bit_grey_alpha_png_is_mode_RGB_as_Pillow_opens_it_RGBA()
    {
        byte[] png = HandBuiltFiles.Png(1, 1, 16, 4, [0, 0x80, 0x00, 0xFF, 0xFF]);

        Assert.Equal(new ImageHeaderInfo("PNG", 1, 1, "RGB", 1), Info(png));
    }

    [Fact]
    public void Animated_webp_is_described_by_its_first_frame_as_COMPRESS_reads_it()
    {
        (byte[] animated, _) = WebpIntakeTests.Animated();

        Assert.Equal(new ImageHeaderInfo("Webp", 24, 16, "RGB", 1), Info(animated));
    }
}
