using System.Runtime.Intrinsics;

using CsCheck;

using RleTcp.Imaging;
using RleTcp.Imaging.Formats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The unfilter of up to 31 rows of one- or two-byte units in vector lanes (<see cref="PngBandUnfilter"/>) against the
/// row-by-row unfilter (<see cref="PngUnfilter.Apply(byte, Span{byte}, ReadOnlySpan{byte}, int, int)"/>): every filter,
/// every width from one byte to past several vector blocks, bands of every height, and its 8-bit Paeth on every input.
/// </summary>
[Trait("Category", "Unit")]
public class PngBandUnfilterTests
{
    // Widths around the vector part's edges: none (below 16 + 16 bpp bytes, 16 + 32 bpp for bands of two vectors),
    // one block, and the triangles' ends.
    private static readonly Gen<int> Widths = Gen.OneOf(Gen.Int[1, 300], Gen.OneOfConst(1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 111, 112, 127, 128, 129));

    // Band heights: one vector (up to 15 rows) or two (16 to 31), and their limits.
    private static readonly Gen<int> Bands = Gen.OneOf(Gen.Int[1, PngBandUnfilter.Rows], Gen.OneOfConst(1, 15, 16, PngBandUnfilter.Rows));

    [Fact]
    public void The_vector_paeth_predictor_equals_the_scalar_one_for_every_input()
    {
        if (!PngBandUnfilter.IsSupported)
        {
            return; // no SSE2 (not x64): the reader never takes the vector path
        }

        var lanes = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        long wrong = 0;
        for (int a = 0; a < 256; a++)
        {
            for (int b = 0; b < 256; b++)
            {
                for (int c0 = 0; c0 < 256; c0 += 16)
                {
                    var c = lanes + Vector128.Create((byte)c0);
                    var predicted = PngBandUnfilter.Paeth(Vector128.Create((byte)a), Vector128.Create((byte)b), c);
                    for (int i = 0; i < 16; i++)
                    {
                        wrong += predicted[i] == PngUnfilter.Predict(a, b, c0 + i) ? 0 : 1;
                    }
                }
            }
        }

        Assert.Equal(0, wrong);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bands_of_mixed_filters_unfilter_as_row_by_row(int bpp)
    {
        Gen<(int RowBytes, int Height, int Band, byte[] Filters, byte[] Block)> pages =
            from rowBytes in Widths
            from height in Gen.Int[1, 40]
            from band in Bands
            from flat in Gen.Bool
            from filters in Gen.Byte[0, 4].Array[height]
            from block in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[(rowBytes + 1) * (height + 1)]
            select (rowBytes, height, band, filters, block);
        pages.Sample(p => CheckBands(p.RowBytes, p.Height, p.Band, bpp, p.Filters, p.Block), iter: 3000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void All_paeth_bands_unfilter_as_row_by_row(int bpp)
    {
        Gen<(int RowBytes, int Height, int Band, byte[] Block)> pages =
            from rowBytes in Widths
            from height in Gen.Int[1, 40]
            from band in Bands
            from flat in Gen.Bool
            from block in (flat ? Gen.Byte[0, 2] : Gen.Byte).Array[(rowBytes + 1) * (height + 1)]
            select (rowBytes, height, band, block);
        pages.Sample(p => CheckBands(p.RowBytes, p.Height, p.Band, bpp, Enumerable.Repeat((byte)4, p.Height).ToArray(), p.Block), iter: 1500);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Grey_rows_through_the_reader_unfilter_as_row_by_row(int bpp)
    {
        // UnfilterRows picks bands or single rows by their filters; every choice must give the row-by-row bytes.
        Gen<(int RowBytes, int Height, byte[] Filters, byte[] Block)> pages =
            from rowBytes in Widths
            from height in Gen.Int[1, 40]
            from paethMostly in Gen.Bool
            from filters in (paethMostly ? Gen.OneOfConst((byte)4, (byte)4, (byte)4, (byte)2) : Gen.Byte[0, 4]).Array[height]
            from block in Gen.Byte.Array[(rowBytes + 1) * (height + 1)]
            select (rowBytes, height, filters, block);
        pages.Sample(p =>
        {
            int stride = p.RowBytes + 1;
            byte[] actual = WithFilters(p.Block, p.Filters, stride);
            byte[] expected = RowByRow(actual, p.RowBytes, p.Height, bpp);
            PngReader.UnfilterRows(actual, 1, p.Height, stride, p.RowBytes, bpp, wavefrontPaeth: true, firstY: 0);
            Assert.Equal(expected, actual);
        }, iter: 1000);
    }

    [Fact]
    public void An_unknown_filter_in_a_band_is_refused_with_its_row()
    {
        const int RowBytes = 200, Height = 40;
        byte[] block = new byte[(RowBytes + 1) * (Height + 1)];
        for (int y = 0; y < Height; y++)
        {
            block[(y + 1) * (RowBytes + 1)] = (byte)(y == 20 ? 5 : 4);
        }

        var refusal = Assert.Throws<ImageIntakeException>(
            () => PngReader.UnfilterRows(block, 1, Height, RowBytes + 1, RowBytes, 1, wavefrontPaeth: true, firstY: 100));
        Assert.Contains("row 120", refusal.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PngBandUnfilter.Apply(block, 1 * (RowBytes + 1), PngBandUnfilter.Rows, RowBytes + 1, RowBytes, 1));
    }

    [Fact]
    public void A_buffer_too_small_for_its_rows_is_refused()
    {
        byte[] block = new byte[(33 * 15) + 10];
        Assert.Throws<ArgumentException>(() => PngBandUnfilter.Apply(block, 33, 15, 33, 32, 1));
        Assert.Throws<ArgumentException>(() => PngBandUnfilter.Apply(new byte[33 * 40], 33, PngBandUnfilter.Rows + 1, 33, 32, 1));
        Assert.Throws<ArgumentException>(() => PngBandUnfilter.Apply(new byte[33 * 40], 33, 15, 33, 32, 3));
    }

    // Bands of the given height (the last shorter) straight through Apply; the row above the first is random, not
    // zeros, and the whole buffer is compared, so a stored lane 0 or a store past a row would show.
    private static void CheckBands(int rowBytes, int height, int band, int bpp, byte[] filters, byte[] block)
    {
        int stride = rowBytes + 1;
        byte[] actual = WithFilters(block, filters, stride);
        byte[] expected = RowByRow(actual, rowBytes, height, bpp);
        for (int y = 0; y < height; y += band)
        {
            PngBandUnfilter.Apply(actual, (y + 1) * stride, Math.Min(band, height - y), stride, rowBytes, bpp);
        }

        Assert.Equal(expected, actual);
    }

    private static byte[] WithFilters(byte[] block, byte[] filters, int stride)
    {
        byte[] copy = (byte[])block.Clone();
        for (int y = 0; y < filters.Length; y++)
        {
            copy[(y + 1) * stride] = filters[y];
        }

        return copy;
    }

    private static byte[] RowByRow(byte[] block, int rowBytes, int height, int bpp)
    {
        int stride = rowBytes + 1;
        byte[] result = (byte[])block.Clone();
        for (int y = 1; y <= height; y++)
        {
            PngUnfilter.Apply(result[y * stride], result.AsSpan((y * stride) + 1, rowBytes), result.AsSpan(((y - 1) * stride) + 1, rowBytes), bpp, y - 1);
        }

        return result;
    }
}
