using RleTcp.Imaging;
using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// JPEG refused or decoded where Pillow 9.4 (libjpeg-turbo) refuses or decodes it (issue 18): cut short or without
/// EOI is InvalidImage, junk between markers and a short APP14 are skipped. Whole grey and colour JPEGs decode
/// through libjpeg-turbo to Pillow's bits (gen_jpeg.py, the differential check); gen_jpeg_truncated.py is the
/// randomized refusal check.
/// </summary>
[Trait("Category", "Unit")]
public class JpegIntakeTests
{
    [Fact]
    public void Libturbojpeg_is_installed_so_jpeg_decodes_as_pillow_decodes_it()
    {
        // gen_jpeg (the differential tests) pins whole JPEGs to Pillow's bytes, which only libjpeg-turbo gives.
        Assert.True(TurboJpeg.IsAvailable, "libturbojpeg.so.0 is missing: install Debian's libturbojpeg0 (.ci/run does).");
    }

    [Fact]
    public void Grey_and_colour_jpeg_decode_through_libjpeg_turbo_to_the_same_bits_as_the_intake()
    {
        byte[] jpeg = Photo();
        using BitImage? turbo = TurboJpegReader.TryDecode(jpeg, IntakeOptions.Default, CancellationToken.None);
        Assert.NotNull(turbo);
        using BitImage intake = ImageIntake.Decode(jpeg, IntakeOptions.Default);
        Assert.Equal(turbo, intake);
    }

    [Fact]
    public void Libjpeg_turbo_declines_a_truncated_jpeg_and_leaves_the_refusal_to_the_intake()
    {
        byte[] jpeg = Photo();
        Assert.Null(TurboJpegReader.TryDecode(jpeg[..(jpeg.Length * 3 / 4)], IntakeOptions.Default, CancellationToken.None));
    }

    [Fact]
    public void Jpeg_without_EOI_is_InvalidImage_as_Pillow_finds_it_truncated()
    {
        byte[] jpeg = Photo();
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(jpeg[..^2], IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jpeg_cut_inside_its_entropy_coded_data_is_InvalidImage()
    {
        byte[] jpeg = Photo();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(jpeg[..(jpeg.Length * 3 / 4)], IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("entropy-coded data", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xC0, "41")]
    [InlineData(0xDA, "12340056")]
    public void Junk_bytes_between_markers_are_skipped_and_the_photo_decodes_as_without_them(byte before, string junkHex)
    {
        byte[] jpeg = Photo();
        int at = SegmentStart(jpeg, before);
        byte[] junk = [.. jpeg[..at], .. Convert.FromHexString(junkHex), .. jpeg[at..]];

        using BitImage clean = ImageIntake.Decode(jpeg, IntakeOptions.Default);
        using BitImage skipped = ImageIntake.Decode(junk, IntakeOptions.Default);

        Assert.Equal(clean, skipped);
    }

    [Fact]
    public void Short_APP14_segment_is_ignored_as_libjpeg_does()
    {
        // 7 bytes: Pillow reads its version field, libjpeg ignores a segment shorter than Adobe's 12 ("Unknown APP14").
        byte[] jpeg = Photo();
        byte[] withShortApp14 = WithSegmentFirst(jpeg, 0xEE, "Adobe\0d");

        using BitImage clean = ImageIntake.Decode(jpeg, IntakeOptions.Default);
        using BitImage decoded = ImageIntake.Decode(withShortApp14, IntakeOptions.Default);

        Assert.Equal(clean, decoded);
    }

    [Theory]
    [InlineData(0xEE, "Adobe")]
    [InlineData(0xEE, "Adobe\0")]
    [InlineData(0xE0, "JFIF\0")]
    [InlineData(0xE0, "JFIF\0\u0001")]
    public void Jfif_or_Adobe_segment_too_short_for_its_version_is_InvalidImage_as_Pillow_cannot_identify_it(byte marker, string content)
    {
        // Pillow 9.4 reads the version at offset 5 of these segments without a length check: struct.error, then
        // "cannot identify image file" (checked against Pillow by gen_jpeg_truncated.py's short-segment cases).
        byte[] file = WithSegmentFirst(Photo(), marker, content);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("too short", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xEE, "Ado")]
    [InlineData(0xEE, "")]
    [InlineData(0xE0, "JFIF\0\u0001\u0001")]
    public void Short_segments_Pillow_does_read_are_decoded(byte marker, string content)
    {
        byte[] jpeg = Photo();
        byte[] file = WithSegmentFirst(jpeg, marker, content);

        using BitImage clean = ImageIntake.Decode(jpeg, IntakeOptions.Default);
        using BitImage decoded = ImageIntake.Decode(file, IntakeOptions.Default);

        Assert.Equal(clean, decoded);
    }

    // The JPEG with a segment (marker, Latin-1 content) right after SOI, before every other.
    private static byte[] WithSegmentFirst(byte[] jpeg, byte marker, string content)
    {
        byte[] body = System.Text.Encoding.Latin1.GetBytes(content);
        return [.. jpeg[..2], 0xFF, marker, 0x00, (byte)(body.Length + 2), .. body, .. jpeg[2..]];
    }

    // Where the first segment with this marker starts, found by walking the segment lengths from SOI (a search for
    // the two bytes could land inside a table).
    private static int SegmentStart(byte[] jpeg, byte marker)
    {
        int at = 2;
        while (jpeg[at + 1] != marker)
        {
            at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
        }

        return at;
    }

    // A gradient with a diagonal edge: not uniform, so a decode that gives up (ImageSharp's uniform grey) shows.
    private static byte[] Photo()
    {
        using var image = new Image<Rgb24>(64, 48);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image[x, y] = x > y ? new Rgb24((byte)(x * 4), (byte)(y * 5), 40) : new Rgb24(10, (byte)(200 - y), (byte)(x * 3));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }
}
