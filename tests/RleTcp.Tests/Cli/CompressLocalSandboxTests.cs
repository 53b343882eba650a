using System.Diagnostics;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

/// <summary><c>rletcp compress --local</c> decodes library formats in its own decode sandbox (itself in worker mode).</summary>
[Trait("Category", "ChildProcess")]
public class CompressLocalSandboxTests
{
    [Fact]
    public async Task CompressLocalOnAFileTheDecoderCannotFinishInTimeFailsThatFileWithTimeoutInBoundedTimeAndGoesOn()
    {
        // Before the sandbox, a file that hangs the decoder (issue 10's PNG) made this command never end; the
        // decoder's process does not watch the timeout, so only the kill ends a decode that outlives it.
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("slow.jpg"), HostileImages.SlowJpeg);
        string[] good = temp.CopyVectors("syn_palette16_320x240.gif");

        var watch = Stopwatch.StartNew();
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--local", "--timeout", "300ms", temp.Combine("slow.jpg"), .. good]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        string error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rletcp: slow.jpg: Timeout: not compressed within 0.3 s", error);
        Assert.False(File.Exists(temp.Combine("slow.rle")));
        Assert.Equal(
            File.ReadAllBytes(Vectors.Get("syn_palette16_320x240.gif").ExpectedPath),
            File.ReadAllBytes(temp.Combine("syn_palette16_320x240.rle")));
    }

    [Fact]
    public async Task CompressLocalRefusesAMemoryBombAsImageTooLargeInsteadOfGrowing()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("bomb.webp"), HostileImages.WebpMemoryBomb);

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--local", temp.Combine("bomb.webp")]);

        // The default cap (1 GiB) holds the 800 MB this file asks for, which then turns out to have no pixels:
        // either way the answer is one refusal line, never a hang or a crash.
        Assert.True(result.ExitCode == 1, result.ToString());
        string error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^rletcp: bomb.webp: (InvalidImage|ImageTooLarge): ", error);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("soon")]
    public async Task ATimeoutThatIsNotAPositiveDurationIsAUsageError(string timeout)
    {
        using var temp = new TempDirectory();
        string[] good = temp.CopyVectors("syn_palette16_320x240.gif");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--local", "--timeout", timeout, .. good]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--timeout", result.StandardError);
    }
}
