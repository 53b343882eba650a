using CsCheck;

using RleTcp.Imaging.Formats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The PNG Paeth unfilter for 3- and 4-byte pixels, a pixel per vector step (<see cref="PngPaethPixels"/>), inside
/// <see cref="PngUnfilter.Apply(byte, Span{byte}, ReadOnlySpan{byte}, int, int)"/>, against the PNG specification's
/// predictor (section 9.4) written out byte by byte.
/// </summary>
[Trait("Category", "Unit")]
public class PngPaethPixelsTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void Paeth_rows_unfilter_as_the_specification_says(int bpp)
    {
        // Noise, and near-flat rows where the three distances tie often (the tie rules decide the predictor).
        Gen<(byte[] Row, byte[] Up)> rows =
            from pixels in Gen.Int[0, 40]
            from flat in Gen.Bool
            from row in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[pixels * bpp]
            from up in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[pixels * bpp]
            select (row, up);
        rows.Sample(c =>
        {
            byte[] expected = Reference(c.Row, c.Up, bpp);
            byte[] actual = (byte[])c.Row.Clone();
            if (actual.Length > 0)
            {
                PngUnfilter.Apply(4, actual, c.Up, bpp, 0);
            }

            Assert.Equal(expected, actual);
        }, iter: 3000);
    }

    [Fact]
    public void The_vector_steps_run_on_this_machine()
    {
        // x64 CI machines have SSSE3; without it the scalar loop alone would be tested above.
        Assert.True(PngPaethPixels.IsSupported);
        byte[] row = new byte[30], up = new byte[30];
        Assert.True(PngPaethPixels.Apply(row, up, 3) > 3);
    }

    private static byte[] Reference(byte[] filtered, byte[] up, int bpp)
    {
        byte[] row = (byte[])filtered.Clone();
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            row[i] = (byte)(row[i] + predictor);
        }

        return row;
    }
}
