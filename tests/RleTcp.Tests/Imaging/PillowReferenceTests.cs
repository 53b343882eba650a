using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Imaging.Differential;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Cross-checks RleTcp against the reference pipeline itself: pillow_reference.py has Debian's Pillow 9.4 generate a
/// matrix of small edge-case files (every PNG mode, BMP 1/4/8/24-bit and RLE4/RLE8, GIF, TIFF raw/LZW/PackBits/G3/G4,
/// TGA raw/RLE, PBM/PGM/PPM plain and binary, odd maxvals) and what <c>Image.open(f).convert('1')</c> plus the textbook
/// RLE encoder make of each; every file must compress to exactly those bytes, or be refused when Pillow refuses it.
/// </summary>
[Trait("Category", "CrossLanguage")]
public class PillowReferenceTests
{
    // Files with no byte-identity promise (docs/IMAGING.md, "Known differences"); every other file must match.
    private static readonly HashSet<string> Excluded = new(StringComparer.Ordinal)
    {
        // BMP RLE delta code (0, 2, dx, dy): Pillow 9.4's BmpRleDecoder reads two more bytes than the code has and
        // takes those as dx, dy, so it decodes the rest of the bitmap out of step; RleTcp follows the format.
        "bmp_rle8.bmp", "bmp_rle8_delta.bmp", "bmp_rle4.bmp",
    };

    [Fact]
    public void Every_pillow_generated_file_compresses_to_the_reference_bytes()
    {
        string folder = Directory.CreateTempSubdirectory("rletcp-pillow-").FullName;
        try
        {
            GenerateMatrix(folder);
            string[] inputs = Directory.GetFiles(folder)
                .Where(f => !f.EndsWith(".expected.rle", StringComparison.Ordinal) && !f.EndsWith(".expected.error", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
            Assert.True(inputs.Length >= 60, $"The script generated only {inputs.Length} files in {folder}.");

            var mismatches = new List<string>();
            foreach (string input in inputs)
            {
                string name = Path.GetFileName(input);
                if (!Excluded.Contains(name))
                {
                    string? problem = PillowComparison.Check(input);
                    if (problem is not null)
                    {
                        mismatches.Add($"{name}: {problem}");
                    }
                }
            }

            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {inputs.Length} files differ from Pillow 9.4:\n" + string.Join('\n', mismatches));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void GenerateMatrix(string folder) =>
        PillowScript.Run(
            Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Imaging", "pillow_reference.py"),
            TimeSpan.FromSeconds(30),
            folder);
}
