using CsCheck;

using RleTcp.Imaging.Formats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The branch-free Paeth predictor (<see cref="PngUnfilter.Predict"/>) and the four-row wavefront unfilters
/// (<see cref="PngPaethRows"/>, <see cref="PngPaethPixels.ApplyRows"/>) against the PNG specification's predictor (section 9.4) written out byte by byte.
/// </summary>
[Trait("Category", "Unit")]
public class PngPaethRowsTests
{
    [Fact]
    public void The_predictor_equals_the_specification_for_every_input()
    {
        long wrong = 0;
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                for (int c = 0; c < 256; c++)
                {
                    if (PngUnfilter.Predict(a, b, c) != SpecificationPredictor(a, b, c))
                    {
                        wrong++;
                    }
                }
            }
        }

        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Four_rows_together_unfilter_as_the_specification_says_one_row_after_another()
    {
        // Widths below the wavefront's lag (one byte a row) and filter units up to 8 bytes; near-flat samples make
        // the predictor's ties common, noise makes every byte diverge from the row above.
        Gen<(int Bpp, int RowBytes, int Pad, byte[] Block)> blocks =
            from bpp in Gen.Int[1, 8]
            from rowBytes in Gen.Int[1, 40]
            from pad in Gen.Int[0, 3]
            from flat in Gen.Bool
            from block in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[(rowBytes + pad) * (PngPaethRows.Rows + 1)]
            select (bpp, rowBytes, pad, block);
        blocks.Sample(c =>
        {
            int stride = c.RowBytes + c.Pad;
            byte[] expected = (byte[])c.Block.Clone();
            for (int k = 1; k <= PngPaethRows.Rows; k++)
            {
                Reference(expected.AsSpan(k * stride, c.RowBytes), expected.AsSpan((k - 1) * stride, c.RowBytes), c.Bpp);
            }

            byte[] actual = (byte[])c.Block.Clone();
            PngPaethRows.Apply(actual, stride, stride, c.RowBytes, c.Bpp);
            Assert.Equal(expected, actual);
        }, iter: 3000);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Four_rows_of_vector_pixels_unfilter_as_the_specification_says(int bpp)
    {
        // Rows of one pixel to a few dozen: too short for a vector step, shorter than the wavefront, and long ones.
        Gen<(int RowBytes, int Pad, byte[] Block)> blocks =
            from pixels in Gen.Int[1, 40]
            from pad in Gen.Int[0, 3]
            from flat in Gen.Bool
            from block in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[((pixels * bpp) + pad) * (PngPaethRows.Rows + 1)]
            select (pixels * bpp, pad, block);
        blocks.Sample(c =>
        {
            int stride = c.RowBytes + c.Pad;
            byte[] expected = (byte[])c.Block.Clone();
            for (int k = 1; k <= PngPaethRows.Rows; k++)
            {
                Reference(expected.AsSpan(k * stride, c.RowBytes), expected.AsSpan((k - 1) * stride, c.RowBytes), bpp);
            }

            byte[] actual = (byte[])c.Block.Clone();
            if (!PngPaethPixels.ApplyRows(actual, stride, stride, c.RowBytes, bpp))
            {
                Assert.True(c.RowBytes < bpp + 4, "Only rows too short for a vector step are left to the scalar path.");
                return;
            }

            Assert.Equal(expected, actual);
        }, iter: 3000);
    }

    [Fact]
    public void A_block_too_small_for_its_rows_is_refused()
    {
        byte[] block = new byte[(10 * PngPaethRows.Rows) + 9];
        Assert.Throws<ArgumentException>(() => PngPaethRows.Apply(block, 10, 10, 10, 1));
    }

    private static void Reference(Span<byte> row, ReadOnlySpan<byte> up, int bpp)
    {
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            row[i] = (byte)(row[i] + SpecificationPredictor(a, b, c));
        }
    }

    private static int SpecificationPredictor(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
