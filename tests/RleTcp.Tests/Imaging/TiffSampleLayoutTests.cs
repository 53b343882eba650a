using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Imaging.Differential;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The non-bilevel TIFF layouts RleTcp reads itself (Formats/Tiff/TiffSampleReader.cs), each compared byte for byte
/// with Pillow 9.4's <c>convert('1')</c> + the textbook encoder: grey + alpha, palette + alpha, CMYK, 12/16-bit,
/// signed and float samples, premultiplied alpha, tiles, planes, BigTIFF, big-endian, FillOrder 2, LZMA, Predictor
/// 2 and 3, Orientation, WebP strips and tiles and JPEG strips and tiles (YCbCr, RGB, grey; decoded where library decoders run); and the layouts Pillow refuses, refused too. tiff_layouts.py writes the files with Pillow
/// and libtiff's tiffcp. Before this reader every one of them was refused or decoded by ImageSharp with other pixels.
/// </summary>
[Trait("Category", "CrossLanguage")]
public sealed class TiffSampleLayoutTests : IClassFixture<TiffSampleLayoutTests.Files>
{
    private readonly Files _files;

    public TiffSampleLayoutTests(Files files) => _files = files;

    [Theory]
    [InlineData("la_uncompressed")]
    [InlineData("pa_lzw")]
    [InlineData("cmyk_lzw_tiled")]
    [InlineData("cmyk_extra_sample_deflate_big_endian")]
    [InlineData("grey16_deflate_predictor2_clipped")]
    [InlineData("grey16_big_endian_lzw")]
    [InlineData("grey12_uncompressed")]
    [InlineData("signed16_big_endian_lzw")]
    [InlineData("signed32_uncompressed")]
    [InlineData("float32_lzw_predictor3")]
    [InlineData("float32_big_endian_deflate_byte_swapped_as_pillow")]
    [InlineData("rgb16_tiled_lzw_predictor2")]
    [InlineData("rgba_premultiplied_uncompressed")]
    [InlineData("rgba_without_extra_samples_planar_lzw_unpremultiplied_as_pillow")]
    [InlineData("grey_tiled_bigtiff_lzma")]
    [InlineData("grey_lzma_predictor2_orientation6")]
    [InlineData("rgb_planar_strips_bigtiff_packbits")]
    [InlineData("grey4_fill_order2_lzw")]
    [InlineData("palette2_tiled_deflate_orientation3")]
    [InlineData("rgb_planar_tile_overhang_uncompressed_stepped_as_pillow")]
    [InlineData("rgb_webp_strips_lossy")]
    [InlineData("rgba_webp_tiles_quality100")]
    [InlineData("rgb_jpeg_ycbcr_2x2_strips")]
    [InlineData("rgb_jpeg_ycbcr_2x2_tiles_big_endian")]
    [InlineData("rgb_jpeg_ycbcr_2x2_strips_bigtiff_orientation8")]
    [InlineData("rgb_jpeg_rgb_strips")]
    [InlineData("rgb_jpeg_rgb_tiles_orientation6")]
    [InlineData("grey_jpeg_strips")]
    [InlineData("grey_jpeg_tiles_big_endian")]
    public void Layout_compresses_to_the_bytes_Pillow_gives(string name)
    {
        string file = _files.Path(name);
        Assert.True(File.Exists(file + ".expected.rle"), $"Pillow was expected to read {name}");
        Assert.Null(PillowComparison.Check(file));
    }

    [Theory]
    [InlineData("refused_two_samples_without_extra_samples")]
    [InlineData("refused_planar_strips_with_more_samples_than_bands")]
    [InlineData("refused_jpeg_strip_without_soi")]
    public void Layout_Pillow_refuses_is_refused_as_InvalidImage(string name)
    {
        string file = _files.Path(name);
        Assert.True(File.Exists(file + ".expected.error"), $"Pillow was expected to refuse {name}");
        Assert.Null(PillowComparison.Check(file));
    }

    [Fact]
    public void WebP_and_JPEG_strips_are_decoded_where_the_library_decoders_run_and_every_other_layout_in_process()
    {
        var library = new CountingLibraryDecoder();

        Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(File.ReadAllBytes(_files.Path("rgb_webp_strips_lossy")), IntakeOptions.Default, library));
        Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(File.ReadAllBytes(_files.Path("rgb_jpeg_ycbcr_2x2_tiles_big_endian")), IntakeOptions.Default, library));
        using BitImage cmyk = ImageIntake.Decode(File.ReadAllBytes(_files.Path("cmyk_lzw_tiled")), IntakeOptions.Default, library);

        Assert.Equal(2, library.Calls);
    }

    /// <summary>The files tiff_layouts.py writes, once for the class.</summary>
    public sealed class Files() : PillowScriptFiles("tiff_layouts.py");
}
