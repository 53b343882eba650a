using System.Text.Json;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;
using RleTcp.Tests.V2;

namespace RleTcp.Tests.Cli;

/// <summary>The rletcp commands that use protocol v2: compress with options, info, load --protocol.</summary>
[Trait("Category", "ChildProcess")]
public class V2CommandTests
{
    [Fact]
    public async Task CompressWithThresholdInvertAndWidthThroughTheServerEqualsTheLocalResult()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_photo_rgb_480x320.png", "syn_gray_gradient_512x128.png");
        string[] options = ["--threshold", "140", "--invert", "--width", "384", "--codec", "rle"];

        ProcessResult remote = await Rletcp.RunAsync(temp.Path, ["compress", .. inputs, "-o", temp.Combine("remote"), "--server", $"127.0.0.1:{server.EndPoint.Port}", .. options]);
        ProcessResult local = await Rletcp.RunAsync(temp.Path, ["compress", .. inputs, "-o", temp.Combine("local"), "--local", .. options]);

        Assert.True(remote.ExitCode == 0, remote.ToString());
        Assert.True(local.ExitCode == 0, local.ToString());
        foreach (string name in new[] { "syn_photo_rgb_480x320.rle", "syn_gray_gradient_512x128.rle" })
        {
            byte[] bytes = File.ReadAllBytes(temp.Combine("remote", name));
            Assert.Equal(File.ReadAllBytes(temp.Combine("local", name)), bytes);
            Assert.True(RleDecoder.TryReadHeader(bytes, out int width, out _) && width == 384);
        }

        Assert.Contains("384x256", remote.StandardOutput);
    }

    [Fact]
    public async Task CompressWithModeThresholdGoesThroughTheServer()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("ramp.pgm"), V2Images.Ramp());

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", temp.Combine("ramp.pgm"), "--mode", "threshold", "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using BitImage image = RleDecoder.Decode(File.ReadAllBytes(temp.Combine("ramp.rle")));
        Assert.False(image[127, 0]);
        Assert.True(image[128, 0]);
    }

    [Fact]
    public async Task CompressWithPageThroughTheServerConvertsThatPage()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("pages.tif"), V2Images.MultiPageTiff(3, 30, 4));

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", temp.Combine("pages.tif"), "--page", "1", "--server", $"127.0.0.1:{server.EndPoint.Port}"]);
        ProcessResult missing = await Rletcp.RunAsync(temp.Path, ["compress", temp.Combine("pages.tif"), "--page", "7", "-o", temp.Combine("none"), "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([30, 0, 4, 0, 0x9e, 0x9e, 0x9e, 0x9e], File.ReadAllBytes(temp.Combine("pages.rle")));
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("has 3 pages", missing.StandardError);
    }

    [Fact]
    public async Task InfoPrintsFormatSizeModeAndFramesThroughTheServerAndLocally()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_palette16_320x240.gif", "syn_photo_rgb_480x320.png");
        File.WriteAllBytes(temp.Combine("pages.tif"), V2Images.MultiPageTiff(3, 30, 4));

        ProcessResult remote = await Rletcp.RunAsync(temp.Path, ["info", .. inputs, temp.Combine("pages.tif"), "--server", $"127.0.0.1:{server.EndPoint.Port}"]);
        ProcessResult local = await Rletcp.RunAsync(temp.Path, ["info", .. inputs, temp.Combine("pages.tif"), "--local"]);

        Assert.True(remote.ExitCode == 0, remote.ToString());
        Assert.Contains("syn_palette16_320x240.gif: GIF 320x240 mode P, 1 frame", remote.StandardOutput);
        Assert.Contains("syn_photo_rgb_480x320.png: PNG 480x320 mode RGB, 1 frame", remote.StandardOutput);
        Assert.Contains("pages.tif: TIFF 30x4 mode 1, 3 frames", remote.StandardOutput);
        Assert.Equal(remote.StandardOutput, local.StandardOutput);
    }

    [Fact]
    public async Task InfoAgainstAV1OnlyServerSaysSoAndExitsThree()
    {
        await using var server = await TestServer.StartAsync(o => o.EnableProtocolV2 = false);
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["info", .. inputs, "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("speaks protocol v1", result.StandardError);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task LoadRunsOverTheAskedProtocolWithAMixOfFiles(string protocol)
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w1000_runs.png", "syn_drawing_333x222.pbm", "syn_palette16_320x240.gif");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-n", "30", "-k", "4", "--verify", "--json", "--protocol", protocol, .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(30, report.RootElement.GetProperty("verified").GetInt64());
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("speaks protocol v2", StringComparison.Ordinal) == (protocol == "v2"));
    }

    [Fact]
    public async Task LoadWithOptionsOverV2VerifiesAgainstTheSameOptionsLocally()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_photo_rgb_480x320.png", "syn_drawing_333x222.pbm");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-n", "20", "--verify", "--json", "--protocol", "v2", "--threshold", "100", "--invert", "--width", "200", .. inputs]);
        ProcessResult refused = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-n", "5", "--protocol", "v1", "--invert", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(20, report.RootElement.GetProperty("verified").GetInt64());
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("need --protocol v2", refused.StandardError);
    }
}
