using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>The 1-bit readers that skip ImageSharp give the same pixels ImageSharp's decoders do.</summary>
[Trait("Category", "Unit")]
public class FastPathTests
{
    public static TheoryData<string> FastPathVectors
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (VectorCase c in Vectors.All.Where(c => c.Format is "PNG" or "BMP" or "PPM" && c.PilMode is "1" or "P"))
            {
                data.Add(c.File);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FastPathVectors))]
    public void Fast_path_equals_the_ImageSharp_path_on_vectors(string file)
    {
        byte[] data = File.ReadAllBytes(Vectors.Get(file).InputPath);

        AssertPathsAgree(data);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_rows_unfilter_as_ImageSharp_does_for_each_filter_type(byte filter)
    {
        // 1-bit grey rows, each raw row encoded with the given filter (bpp = 1 byte).
        BitImage source = TestImages.Noise(37, 9, filter);
        byte[] png = FilteredPng(source, filter);

        using BitImage fast = ImageIntake.Decode(png, IntakeOptions.Default);
        Assert.Equal(source, fast);
        AssertPathsAgree(png);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_wide_line_art_rows_unfilter_as_ImageSharp_does_for_each_filter_type(byte filter)
    {
        // Long runs, rows repeated (zero residuals a word at a time) and changed (the per-byte predictor), a width
        // that leaves a partial word and a partial byte at the end of each row, and more rows than the reader
        // inflates in one block (128 KiB), so the row above is carried across blocks.
        BitImage runs = TestImages.Runs(1003, 12, filter, maxRun: 900);
        var source = new BitImage(1003, 1100);
        var row = new byte[BitImage.BytesPerPackedRow(1003)];
        for (int y = 0; y < source.Height; y++)
        {
            runs.CopyRowTo((y * y / 7) % runs.Height, row);
            source.SetRow(y, row);
        }

        using BitImage fast = ImageIntake.Decode(FilteredPng(source, filter), IntakeOptions.Default);
        Assert.Equal(source, fast);
        AssertPathsAgree(FilteredPng(source, filter));
    }

    [Fact]
    public void Png_two_colour_palette_maps_each_entry_by_luma()
    {
        // Entry 0 yellow (luma 225930: white), entry 1 dark red (luma 38272: black): the inverse of grey.
        BitImage source = TestImages.Noise(20, 5, 42);
        int rowBytes = BitImage.BytesPerPackedRow(20);
        using var scanlines = new MemoryStream();
        var row = new byte[rowBytes];
        for (int y = 0; y < 5; y++)
        {
            source.CopyRowTo(y, row, invert: true); // index 1 where the pixel is black
            scanlines.WriteByte(0);
            scanlines.Write(row);
        }

        byte[] png = HandBuiltFiles.Png(20, 5, 1, 3, scanlines.ToArray(), palette: [255, 255, 0, 128, 0, 0]);

        using BitImage fast = ImageIntake.Decode(png, IntakeOptions.Default);
        Assert.Equal(source, fast);
        AssertPathsAgree(png);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bmp_inverted_and_upright_palettes_agree_with_ImageSharp(bool inverted)
    {
        BitImage source = TestImages.Noise(70, 11, 5);
        int stride = ((70 + 31) / 32) * 4;
        var rows = new byte[stride * 11];
        for (int y = 0; y < 11; y++)
        {
            // Bottom-up; a set bit is palette entry 1.
            source.CopyRowTo(10 - y, rows.AsSpan(y * stride), invert: inverted);
        }

        byte[] palette = inverted ? [255, 255, 255, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 255, 255, 255, 0];
        byte[] bmp = HandBuiltFiles.Bmp(70, 11, 1, palette, rows);

        using BitImage fast = ImageIntake.Decode(bmp, IntakeOptions.Default);
        Assert.Equal(source, fast);
        AssertPathsAgree(bmp);
    }

    // A 1-bit grey PNG whose every row is encoded with the given filter (bpp = 1 byte).
    private static byte[] FilteredPng(BitImage source, byte filter)
    {
        int rowBytes = BitImage.BytesPerPackedRow(source.Width);
        var raw = new byte[source.Height][];
        for (int y = 0; y < source.Height; y++)
        {
            raw[y] = new byte[rowBytes];
            source.CopyRowTo(y, raw[y]);
        }

        using var scanlines = new MemoryStream();
        for (int y = 0; y < source.Height; y++)
        {
            scanlines.WriteByte(filter);
            byte[] up = y > 0 ? raw[y - 1] : new byte[rowBytes];
            for (int i = 0; i < rowBytes; i++)
            {
                int left = i > 0 ? raw[y][i - 1] : 0, above = up[i], upLeft = i > 0 ? up[i - 1] : 0;
                int predictor = filter switch
                {
                    1 => left,
                    2 => above,
                    3 => (left + above) / 2,
                    4 => Paeth(left, above, upLeft),
                    _ => 0,
                };
                scanlines.WriteByte((byte)(raw[y][i] - predictor));
            }
        }

        return HandBuiltFiles.Png(source.Width, source.Height, 1, 0, scanlines.ToArray());
    }

    private static void AssertPathsAgree(byte[] data)
    {
        using BitImage fast = ImageIntake.Decode(data, IntakeOptions.Default);
        using BitImage general = ImageIntake.Decode(data, IntakeOptions.Default, useFastPaths: false, CancellationToken.None);
        Assert.Equal(general, fast);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
