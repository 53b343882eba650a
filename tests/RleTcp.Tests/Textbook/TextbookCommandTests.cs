using RleTcp.Tests.Cli;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Textbook;

/// <summary>
/// <c>rletcp compress/load --protocol textbook</c> against the chapter's own server (clients/textbook/chapter_server.py)
/// and against RleTcp's textbook port: the tools of this project pointed at the textbook design (issue 17).
/// </summary>
[Trait("Category", "CrossLanguage")]
public class TextbookCommandTests
{
    private static readonly string[] Files = ["syn_w127_runs.png", "syn_palette16_320x240.gif", "syn_drawing_333x222.pbm"];

    [Fact]
    public async Task LoadWithProtocolTextbookVerifiesEveryAnswerOfTheChaptersServer()
    {
        using ChapterServer chapter = await ChapterServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors(Files);

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--protocol", "textbook", "--verify", "-n", "30", "-c", "2", "--server", $"127.0.0.1:{chapter.Port}", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verify: 30 answers compared with a local compression, 0 mismatches", result.StandardOutput);
    }

    [Fact]
    public async Task LoadWithProtocolTextbookVerifiesEveryAnswerOfRleTcpsTextbookPort()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.TextbookPort = 0);
        int port = server.Listener.TextbookEndPoint!.Port;
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors(Files);

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["load", "--protocol", "textbook", "--verify", "-n", "30", "-c", "2", "--server", $"127.0.0.1:{port}", .. inputs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verify: 30 answers compared with a local compression, 0 mismatches", result.StandardOutput);
    }

    [Fact]
    public async Task CompressWithProtocolTextbookWritesTheReferenceRleAndReportsARefusalForItsFile()
    {
        using ChapterServer chapter = await ChapterServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");
        File.WriteAllText(temp.Combine("not-an-image.png"), "this is not an image");

        ProcessResult result = await Rletcp.RunAsync(
            temp.Path, ["compress", "--protocol", "textbook", "--server", $"127.0.0.1:{chapter.Port}", inputs[0], temp.Combine("not-an-image.png")]);

        Assert.True(result.ExitCode == 1, result.ToString()); // one file failed, the other was written
        Assert.Equal(File.ReadAllBytes(Vectors.Get("syn_w127_runs.png").ExpectedPath), File.ReadAllBytes(temp.Combine("syn_w127_runs.rle")));
        Assert.Contains("rletcp: not-an-image.png: ", result.StandardError);
        Assert.False(File.Exists(temp.Combine("not-an-image.rle")));
    }

    [Theory]
    [InlineData("--codec", "g4")]
    [InlineData("--threshold", "140")]
    [InlineData("--local", "true")]
    public async Task CompressWithProtocolTextbookRefusesWhatTheChaptersWireCannotCarry(string option, string value)
    {
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w127_runs.png");

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--protocol", "textbook", option, value, inputs[0]]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--protocol textbook takes no", result.StandardError);
        Assert.False(File.Exists(temp.Combine("syn_w127_runs.rle")));
    }
}
