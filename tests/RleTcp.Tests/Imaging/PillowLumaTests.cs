using CsCheck;

using RleTcp.Imaging;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Pillow's RGB-to-grey on the way to "1" (<c>(R*299 + G*587 + B*114) / 1000</c>, truncated): the vector rows
/// against the pixel-at-a-time form, for RGB and RGBA, at widths around the 16-pixel steps and the last load.
/// </summary>
[Trait("Category", "Unit")]
public class PillowLumaTests
{
    [Fact]
    public void Division_by_1000_without_a_division_is_exact_for_every_luma_sum()
    {
        for (int l = 0; l <= PillowLuma.MaxLuma1000; l++)
        {
            Assert.Equal(l / 1000, PillowLuma.DivideBy1000(l));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Vector_rows_equal_the_pixel_at_a_time_luma(int bytesPerPixel)
    {
        Gen<(int Width, byte[] Pixels)> rows =
            from width in Gen.Int[0, 90]
            from slack in Gen.Int[0, 3]
            from pixels in Gen.Byte.Array[(width * bytesPerPixel) + slack]
            select (width, pixels);
        rows.Sample(c =>
            {
                byte[] expected = new byte[c.Width];
                byte[] actual = new byte[c.Width];
                PillowLuma.RowScalar(c.Pixels, bytesPerPixel, expected);
                PillowLuma.Row(c.Pixels, bytesPerPixel, actual);
                Assert.Equal(expected, actual);
            }, iter: 2000);
    }

    [Fact]
    public void Every_colour_of_an_rgb_row_gets_pillows_grey()
    {
        // All 2^24 colours would be slow; every R and G against a spread of B covers the sums' range, ends included.
        byte[] pixels = new byte[256 * 256 * 3];
        byte[] values = new byte[256 * 256];
        foreach (int b in new[] { 0, 1, 127, 128, 254, 255 })
        {
            for (int i = 0; i < 256 * 256; i++)
            {
                pixels[3 * i] = (byte)(i >> 8);
                pixels[(3 * i) + 1] = (byte)i;
                pixels[(3 * i) + 2] = (byte)b;
            }

            PillowLuma.Row(pixels, 3, values);
            for (int i = 0; i < 256 * 256; i++)
            {
                Assert.Equal(((i >> 8) * 299 + (i & 255) * 587 + b * 114) / 1000, values[i]);
            }
        }
    }
}
