using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

/// <summary>The mode Pillow would open a file in decides whether it is dithered; these pin the rules down.</summary>
[Trait("Category", "CrossLanguage")]
public class PillowModeTests
{
    private const int Width = 40, Height = 12;

    [Fact]
    public void Bmp_with_the_grey_ramp_palette_is_dithered_like_grey()
    {
        // Pillow opens an 8-bit BMP whose palette is (i, i, i) as "L", so grey 100 is dithered, not thresholded.
        byte[] bmp = HandBuiltFiles.Bmp(Width, Height, 8, HandBuiltFiles.GreyRampPalette(256), Filled8BitRows(100));

        using BitImage fromBmp = ImageIntake.Decode(bmp, IntakeOptions.Default);
        using BitImage fromGreyPng = ImageIntake.Decode(GreyPng(100), IntakeOptions.Default);

        Assert.Equal(fromGreyPng, fromBmp);
        Assert.Contains(true, Pixels(fromBmp));
    }

    [Fact]
    public void Bmp_with_any_other_palette_is_thresholded_per_colour()
    {
        // One entry off the ramp makes it "P": every pixel is entry 100 = grey 100 < 128, so all black.
        byte[] palette = HandBuiltFiles.GreyRampPalette(256);
        palette[0] = 1;
        byte[] bmp = HandBuiltFiles.Bmp(Width, Height, 8, palette, Filled8BitRows(100));

        using BitImage image = ImageIntake.Decode(bmp, IntakeOptions.Default);

        Assert.DoesNotContain(true, Pixels(image));
    }

    [Fact]
    public void Grey_with_alpha_is_dithered_on_grey_alone()
    {
        using var la = new Image<La16>(Width, Height, new La16(100, 30));
        using var stream = new MemoryStream();
        la.Save(stream, new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha, BitDepth = PngBitDepth.Bit8 });

        using BitImage fromLa = ImageIntake.Decode(stream.ToArray(), IntakeOptions.Default);
        using BitImage fromL = ImageIntake.Decode(GreyPng(100), IntakeOptions.Default);

        Assert.Equal(fromL, fromLa);
    }

    [Fact]
    public void Rgb_is_dithered_on_truncated_luma()
    {
        // (120, 101, 60): luma 35880 + 59287 + 6840 = 102007 -> 102, the same as grey 102.
        using var rgb = new Image<Rgb24>(Width, Height, new Rgb24(120, 101, 60));
        using var stream = new MemoryStream();
        rgb.Save(stream, new PngEncoder { ColorType = PngColorType.Rgb });

        using BitImage fromRgb = ImageIntake.Decode(stream.ToArray(), IntakeOptions.Default);
        using BitImage fromL = ImageIntake.Decode(GreyPng(102), IntakeOptions.Default);

        Assert.Equal(fromL, fromRgb);
    }

    [Theory]
    [InlineData(127, false)]
    [InlineData(128, true)]
    public void Threshold_mode_never_dithers(byte grey, bool white)
    {
        using BitImage image = ImageIntake.Decode(GreyPng(grey), IntakeOptions.Default with { Mode = ConversionMode.Threshold });

        Assert.All(Pixels(image), p => Assert.Equal(white, p));
    }

    private static byte[] GreyPng(byte value)
    {
        using var grey = new Image<L8>(Width, Height, new L8(value));
        using var stream = new MemoryStream();
        grey.Save(stream, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });
        return stream.ToArray();
    }

    private static byte[] Filled8BitRows(byte index)
    {
        int stride = (Width + 3) & ~3;
        var rows = new byte[stride * Height];
        for (int y = 0; y < Height; y++)
        {
            rows.AsSpan(y * stride, Width).Fill(index);
        }

        return rows;
    }

    private static List<bool> Pixels(BitImage image)
    {
        var pixels = new List<bool>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                pixels.Add(image[x, y]);
            }
        }

        return pixels;
    }
}
