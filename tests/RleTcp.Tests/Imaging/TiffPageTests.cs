using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Page K of a multi-page TIFF is Pillow 9.4's <c>seek(K)</c> + <c>convert('1')</c>, bit for bit, whatever the
/// page's mode, compression and orientation; Pillow (tiff_pages.py) writes the file and the expected bits.
/// </summary>
[Trait("Category", "CrossLanguage")]
public class TiffPageTests
{
    [Fact]
    public void Every_page_of_a_multi_page_TIFF_decodes_to_Pillows_bits_and_the_page_after_the_last_is_InvalidImage()
    {
        string folder = Directory.CreateTempSubdirectory("rletcp-tiff-pages-").FullName;
        try
        {
            int pages = Generate(folder);
            byte[] tiff = File.ReadAllBytes(Path.Combine(folder, "pages.tif"));
            for (int k = 0; k < pages; k++)
            {
                string[] size = File.ReadAllText(Path.Combine(folder, $"page{k}.txt")).Split(' ');
                int width = int.Parse(size[0], System.Globalization.CultureInfo.InvariantCulture);
                int height = int.Parse(size[1], System.Globalization.CultureInfo.InvariantCulture);
                byte[] expected = File.ReadAllBytes(Path.Combine(folder, $"page{k}.bits"));

                using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default with { Page = k });

                Assert.Equal((width, height), (image.Width, image.Height));
                int stride = BitImage.BytesPerPackedRow(width);
                byte[] row = new byte[stride];
                for (int y = 0; y < height; y++)
                {
                    image.CopyRowTo(y, row);
                    Assert.True(expected.AsSpan(y * stride, stride).SequenceEqual(row), $"page {k}, row {y} differs from Pillow's");
                }
            }

            var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default with { Page = pages }));
            Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
            Assert.Contains($"page {pages} does not exist", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Generate(string folder)
    {
        string script = Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Imaging", "tiff_pages.py");
        string output = PillowScript.Run(script, TimeSpan.FromSeconds(30), folder);
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
