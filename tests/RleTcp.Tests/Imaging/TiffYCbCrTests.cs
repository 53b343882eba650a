using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Imaging.Differential;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// TIFF YCbCr pages that are not JPEG-compressed (Formats/Tiff/TiffYCbCr.cs), compared byte for byte with Pillow
/// 9.4, which reads them through libtiff's RGBA interface: every subsampling libtiff converts, strips and tiles,
/// LZW, Deflate, PackBits, both byte orders, YCbCrCoefficients and ReferenceBlackWhite, Orientation, and libtiff's
/// 4x4 quirks; old-style JPEG (6) around a whole JPEG stream, as libtiff's OJPEG codec decodes it; the layouts
/// libtiff refuses are refused. tiff_ycbcr.py writes the files. Before this reader these
/// pages went to ImageSharp whole, with other pixels.
/// </summary>
[Trait("Category", "CrossLanguage")]
public sealed class TiffYCbCrTests : IClassFixture<TiffYCbCrTests.Files>
{
    private readonly Files _files;

    public TiffYCbCrTests(Files files) => _files = files;

    [Theory]
    [InlineData("ycbcr_2x2_lzw_strips_odd_sides")]
    [InlineData("ycbcr_1x1_deflate_tiles_big_endian")]
    [InlineData("ycbcr_2x1_packbits_strips")]
    [InlineData("ycbcr_1x2_lzw_tiles")]
    [InlineData("ycbcr_4x1_deflate_strips")]
    [InlineData("ycbcr_4x2_lzw_tiles_big_endian")]
    [InlineData("ycbcr_4x4_lzw_strips_odd_block_count_last_chroma_zero_as_libtiff")]
    [InlineData("ycbcr_4x4_deflate_tiles_clipped_skewed_as_libtiff")]
    [InlineData("ycbcr_2x2_lzw_rec709_studio_range")]
    [InlineData("ycbcr_2x2_lzw_strips_orientation3_flipped_per_strip")]
    [InlineData("ycbcr_4x2_deflate_tiles_orientation6")]
    [InlineData("ojpeg_420_odd_sides")]
    [InlineData("ojpeg_422_tag_says_2x2_orientation6_big_endian")]
    [InlineData("ojpeg_444_rec709")]
    public void YCbCr_layout_compresses_to_the_bytes_Pillow_gives(string name)
    {
        string file = _files.Path(name);
        Assert.True(File.Exists(file + ".expected.rle"), $"Pillow was expected to read {name}");
        Assert.Null(PillowComparison.Check(file));
    }

    [Theory]
    [InlineData("refused_ycbcr_1x4_lzw")]
    [InlineData("refused_ycbcr_zero_green_coefficient")]
    public void YCbCr_layout_libtiff_refuses_is_refused_as_InvalidImage(string name)
    {
        string file = _files.Path(name);
        Assert.True(File.Exists(file + ".expected.error"), $"Pillow was expected to refuse {name}");
        Assert.Null(PillowComparison.Check(file));
    }

    [Fact]
    public void Uncompressed_YCbCr_gives_the_bytes_Pillow_gives_for_the_same_samples_LZW_compressed()
    {
        // Pillow 9.4 unpacks the uncompressed file as raw "RGBX" (its bug: it fails here, past the end of the data);
        // libtiff converts both alike, and so does RleTcp.
        string file = _files.Path("ycbcr_4x4_uncompressed_strips");
        Assert.True(File.Exists(file + ".expected.error"), "Pillow 9.4 was expected to misread the uncompressed file");
        byte[] expected = File.ReadAllBytes(_files.Path("ycbcr_4x4_uncompressed_strips_lzw") + ".expected.rle");

        byte[] actual = RleCompressor.Compress(File.ReadAllBytes(file), IntakeOptions.Default);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Old_style_JPEG_is_decoded_where_the_library_decoders_run()
    {
        var library = new CountingLibraryDecoder();

        Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(File.ReadAllBytes(_files.Path("ojpeg_420_odd_sides")), IntakeOptions.Default, library));

        Assert.Equal(1, library.Calls);
    }

    [Fact]
    public void YCbCr_pages_are_decoded_in_process_not_by_a_library_decoder()
    {
        var library = new CountingLibraryDecoder();

        using BitImage image = ImageIntake.Decode(File.ReadAllBytes(_files.Path("ycbcr_4x2_lzw_tiles_big_endian")), IntakeOptions.Default, library);

        Assert.Equal((45, 37), (image.Width, image.Height));
        Assert.Equal(0, library.Calls);
    }

    /// <summary>The files tiff_ycbcr.py writes, once for the class.</summary>
    public sealed class Files() : PillowScriptFiles("tiff_ycbcr.py");
}
