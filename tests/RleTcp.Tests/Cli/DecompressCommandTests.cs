using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class DecompressCommandTests
{
    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    [InlineData("pbm")]
    public async Task DecompressedPictureCompressesBackToTheSameRle(string format)
    {
        using var temp = new TempDirectory();
        string rle = temp.Combine("drawing.rle");
        byte[] expected = File.ReadAllBytes(Vectors.Get("syn_drawing_333x222.pbm").ExpectedPath);
        File.WriteAllBytes(rle, expected);

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["decompress", rle, "--format", format, "-o", temp.Combine("out")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        byte[] picture = File.ReadAllBytes(temp.Combine("out", $"drawing.{format}"));
        Assert.Equal(expected, RleCompressor.Compress(picture, new IntakeOptions()));
    }

    [Fact]
    public async Task CorruptRleExitsOneNamingTheProblemAndTheGoodFileIsStillWritten()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("cut.rle"), File.ReadAllBytes(Vectors.Get("syn_w255_runs.png").ExpectedPath)[..20]);
        File.WriteAllBytes(temp.Combine("good.rle"), File.ReadAllBytes(Vectors.Get("syn_w127_runs.png").ExpectedPath));

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["decompress", temp.Combine("cut.rle"), temp.Combine("good.rle")]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("rletcp: cut.rle: not a valid .rle file", Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(temp.Combine("cut.png")));
        Assert.True(File.Exists(temp.Combine("good.png")));
    }

    [Fact]
    public async Task TwoInputsDecompressingToTheSamePictureKeepTheFirstAndRefuseTheSecond()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("a"));
        Directory.CreateDirectory(temp.Combine("b"));
        byte[] first = File.ReadAllBytes(Vectors.Get("syn_w127_runs.png").ExpectedPath);
        File.WriteAllBytes(temp.Combine("a", "same.rle"), first);
        File.WriteAllBytes(temp.Combine("b", "same.rle"), File.ReadAllBytes(Vectors.Get("syn_w255_runs.png").ExpectedPath));

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["decompress", temp.Combine("a", "same.rle"), temp.Combine("b", "same.rle"), "-o", temp.Combine("out")]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("rletcp: same.rle: same.rle is already written to same.png", result.StandardError.Trim());
        Assert.Equal(first, RleCompressor.Compress(File.ReadAllBytes(temp.Combine("out", "same.png")), new IntakeOptions()));
    }
}
