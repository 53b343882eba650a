using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class CompressCommandTests
{
    [Fact]
    public async Task CompressThroughTheServerWritesTheReferenceBytesIntoTheOutputFolder()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_drawing_333x222.pbm", "page_libtasn1_p36.png");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", .. inputs, "-o", temp.Combine("out"), "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Expected("syn_drawing_333x222.pbm"), File.ReadAllBytes(temp.Combine("out", "syn_drawing_333x222.rle")));
        Assert.Equal(Expected("page_libtasn1_p36.png"), File.ReadAllBytes(temp.Combine("out", "page_libtasn1_p36.rle")));
        Assert.Contains("2550x3300", result.StandardOutput);
    }

    [Fact]
    public async Task CompressLocalWritesTheRleBesideTheInputWithoutAServer()
    {
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_palette16_320x240.gif");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--local", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Expected("syn_palette16_320x240.gif"), File.ReadAllBytes(temp.Combine("syn_palette16_320x240.rle")));
    }

    [Fact]
    public async Task OneBadInputExitsOneWithOneErrorLineAndTheOthersAreStillWritten()
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");
        File.WriteAllText(temp.Combine("broken.png"), "this is not a picture");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["compress", temp.Combine("broken.png"), .. inputs, "--server", $"127.0.0.1:{server.EndPoint.Port}"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        string error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rletcp: broken.png: InvalidImage", error);
        Assert.False(File.Exists(temp.Combine("broken.rle")));
        Assert.Equal(Expected("syn_w127_runs.png"), File.ReadAllBytes(temp.Combine("syn_w127_runs.rle")));
    }

    [Fact]
    public async Task ServerThatIsNotThereExitsThreeWithOneLine()
    {
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");
        int port = ClosedPort();

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", .. inputs, "--server", $"127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith($"rletcp: cannot reach the server at 127.0.0.1:{port}", Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData("compress")]
    [InlineData("compress", "a.png", "--mode", "sepia", "--local")]
    [InlineData("compress", "a.png", "--local", "--server", "127.0.0.1:2015")]
    [InlineData("load", "a.png")]
    [InlineData("load", "a.png", "-n", "5", "-d", "1s")]
    [InlineData("decompress", "a.rle", "--format", "gif")]
    [InlineData("no-such-command")]
    public async Task UsageErrorsExitTwo(params string[] arguments)
    {
        using var temp = new TempDirectory();

        ProcessResult result = await Rletcp.RunAsync(temp.Path, arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("rletcp: ", result.StandardError);
    }

    [Fact]
    public async Task CompressWithAnUnknownOptionExitsTwoWithTheUsageLineAndWritesNothing()
    {
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", .. inputs, "--thresold", "140", "--local"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("rletcp: unknown option '--thresold' for 'rletcp compress'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("rletcp: usage: rletcp compress <files>... [options]", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("syn_w127_runs.rle")), "no work is done before the usage error");
    }

    [Theory]
    [InlineData("compress", "a.png", "-x")]
    [InlineData("compress-dir", ".", "--recursive-ish")]
    [InlineData("decompress", "a.rle", "--colour")]
    [InlineData("load", "a.png", "-n", "5", "--warmup")]
    [InlineData("demo", "--fast")]
    [InlineData("info", "a.png", "-q")]
    [InlineData("compare", "a.png", "--all")]
    public async Task EveryCommandTakesAnOptionLikeArgumentItDoesNotKnowForAUsageError(params string[] arguments)
    {
        using var temp = new TempDirectory();

        ProcessResult result = await Rletcp.RunAsync(temp.Path, arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"'{arguments[^1]}'", result.StandardError, StringComparison.Ordinal); // named, as unknown
        Assert.Contains($"usage: rletcp {arguments[0]}", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--page: 'x' is not a whole number", "compress", "a.png", "--local", "--page", "x")]
    [InlineData("--width: 'abc' is not a whole number", "compress", "a.png", "--local", "--width=abc")]
    [InlineData("--dpi: 'x' is not a number", "compress", "a.png", "--local", "--dpi", "x")]
    [InlineData("-n: 'abc' is not a whole number", "load", "a.png", "-n", "abc")]
    [InlineData("--rate: 'x' is not a number", "load", "a.png", "-n", "1", "--rate", "x")]
    [InlineData("--parallel: 'x' is not a whole number", "compress-dir", ".", "out", "--parallel", "x")]
    [InlineData("--width: 'q' is not a whole number", "decompress", "a.rle", "--width", "q")]
    [InlineData("--mode: 'sepia' is not pillow or threshold", "compress", "a.png", "--local", "--mode", "sepia")]
    public async Task AnOptionValueThatIsNotANumberIsAUsageErrorInOurWordsNotACrashWithDotNetTypeNames(string expected, params string[] arguments)
    {
        // Before: the options' validators read the value, System.CommandLine threw on it, and the process died with
        // an unhandled InvalidOperationException ("... expected type 'System.Nullable`1[System.Int32]'"), exit 134.
        using var temp = new TempDirectory();

        ProcessResult result = await Rletcp.RunAsync(temp.Path, arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"rletcp: {expected}", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"usage: rletcp {arguments[0]}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot parse", result.StandardError, StringComparison.Ordinal);
    }

    internal static byte[] Expected(string vector) => File.ReadAllBytes(Vectors.Get(vector).ExpectedPath);

    internal static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
