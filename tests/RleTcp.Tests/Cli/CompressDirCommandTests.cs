using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class CompressDirCommandTests
{
    private static readonly string[] Good = ["syn_drawing_800x600.bmp", "syn_gray_gradient_512x128.png", "page_smi_p05.png", "syn_drawing_400x300_raw.tif"];

    [Fact]
    public async Task EveryImageIsCompressedAndTheOneBadFileIsReportedWithoutStoppingTheOthers()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("in"));
        foreach (string name in Good)
        {
            File.Copy(Path.Combine(Support.Vectors.Directory, name), temp.Combine("in", name));
        }

        File.WriteAllBytes(temp.Combine("in", "truncated.png"), File.ReadAllBytes(Path.Combine(Support.Vectors.Directory, "syn_w128_runs.png"))[..40]);
        File.WriteAllText(temp.Combine("in", "notes.txt"), "not an image extension: skipped");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["compress-dir", temp.Combine("in"), temp.Combine("out"), "--parallel", "3", "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        foreach (string name in Good)
        {
            Assert.Equal(CompressCommandTests.Expected(name), File.ReadAllBytes(temp.Combine("out", Path.GetFileNameWithoutExtension(name) + ".rle")));
        }

        Assert.False(File.Exists(temp.Combine("out", "truncated.rle")));
        Assert.False(File.Exists(temp.Combine("out", "notes.rle")));
        // Not a terminal: plain progress lines, then the summary and the failures with their reason.
        Assert.Contains("[5/5]", result.StandardOutput);
        Assert.Contains("truncated.png", result.StandardOutput);
        Assert.Contains("InvalidImage", result.StandardOutput);
    }

    [Fact]
    public async Task LocalRunOfGoodFilesExitsZero()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("in"));
        File.Copy(Path.Combine(Support.Vectors.Directory, "syn_hstripes_600x400.png"), temp.Combine("in", "stripes.png"));

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress-dir", temp.Combine("in"), temp.Combine("out"), "--local"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(CompressCommandTests.Expected("syn_hstripes_600x400.png"), File.ReadAllBytes(temp.Combine("out", "stripes.rle")));
    }

    [Fact]
    public async Task TwoFilesMakingTheSameRleNameKeepTheFirstInFolderOrderAndRefuseTheOther()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("in"));
        File.Copy(Path.Combine(Support.Vectors.Directory, "syn_hstripes_600x400.png"), temp.Combine("in", "page.png"));
        File.Copy(Path.Combine(Support.Vectors.Directory, "syn_drawing_800x600.bmp"), temp.Combine("in", "page.bmp"));

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress-dir", temp.Combine("in"), temp.Combine("out"), "--local"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(CompressCommandTests.Expected("syn_drawing_800x600.bmp"), File.ReadAllBytes(temp.Combine("out", "page.rle")));
        Assert.Contains("page.bmp is already written to page.rle", result.StandardOutput);
    }
}
