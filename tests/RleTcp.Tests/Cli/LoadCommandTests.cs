using System.Text.Json;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class LoadCommandTests
{
    [Fact]
    public async Task VerifiedRunForTwoSecondsHasNoMismatchesAndExitsZero()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_drawing_333x222.pbm", "syn_gray_gradient_512x128.png", "syn_bmp_topdown_250x90.bmp");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-c", "2", "--pipeline", "4", "-d", "2s", "--verify", "--json", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.StandardOutput);
        JsonElement root = report.RootElement;
        long requests = root.GetProperty("requests").GetInt64();
        Assert.True(requests > 0, result.StandardOutput);
        Assert.Equal(requests, root.GetProperty("ok").GetInt64());
        Assert.Equal(requests, root.GetProperty("verified").GetInt64());
        Assert.Equal(0, root.GetProperty("mismatches").GetInt64());
        Assert.True(root.GetProperty("latencyMs").GetProperty("p99.9").GetDouble() >= root.GetProperty("latencyMs").GetProperty("p50").GetDouble());
    }

    [Fact]
    public async Task OpenLoopRunPrintsPercentilesAHistogramAndStopsAfterNRequests()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w1000_runs.png");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-n", "60", "--rate", "200", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("60 requests", result.StandardOutput);
        Assert.Contains("p99.9", result.StandardOutput);
        Assert.Contains("from the intended send time", result.StandardOutput);
        Assert.Contains("histogram (ms):", result.StandardOutput);
        Assert.Contains("errors: none", result.StandardOutput);
    }

    [Fact]
    public async Task VerifyAgainstADifferentConversionReportsMismatchesAndExitsNonZero()
    {
        // The server dithers grey (Pillow mode); verifying against threshold must find every answer different.
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_gray_gradient_512x128.png");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--server", $"127.0.0.1:{server.EndPoint.Port}", "-n", "20", "--verify", "--mode", "threshold", .. inputs]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("20 mismatches", result.StandardOutput);
        Assert.Contains("rletcp: 20 answers differ from the local compression", result.StandardError);
    }

    [Fact]
    public async Task UnreachableServerExitsThree()
    {
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["load", "--server", $"127.0.0.1:{CompressCommandTests.ClosedPort()}", "-n", "5", .. inputs]);

        Assert.True(result.ExitCode == 3, result.ToString());
    }
}
