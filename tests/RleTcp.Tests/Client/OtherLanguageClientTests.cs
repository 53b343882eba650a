using RleTcp.Tests.Cli;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

/// <summary>
/// The Python and Node.js clients in clients/ run as child processes against the real server; their .rle files
/// must equal the reference vectors. python3 and node must be installed (.ci/run makes sure): these tests fail,
/// never skip, without them.
/// </summary>
[Trait("Category", "CrossLanguage")]
public class OtherLanguageClientTests
{
    private static readonly string[] Inputs = ["page_libtasn1_p03.bmp", "syn_drawing_333x222.pbm", "syn_rgba_alpha_200x150.png", "syn_1x300_tall.png"];

    public static TheoryData<string, string> Clients => new()
    {
        { "python3", Path.Combine("clients", "python", "rletcp_client.py") },
        { "node", Path.Combine("clients", "node", "rletcp-client.js") },
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task ClientWritesTheReferenceBytesForEachVector(string program, string script)
    {
        string interpreter = ChildProcess.RequireOnPath(program);
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors(Inputs);

        ProcessResult result = await ChildProcess.RunAsync(
            interpreter, [Path.Combine(RepositoryPaths.Root, script), "--port", server.EndPoint.Port.ToString(), "--ping", "-o", temp.Combine("out"), .. inputs], temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ping 127.0.0.1:", result.StandardOutput);
        foreach (string name in Inputs)
        {
            byte[] expected = File.ReadAllBytes(Vectors.Get(name).ExpectedPath);
            Assert.Equal(expected, File.ReadAllBytes(temp.Combine("out", Path.GetFileNameWithoutExtension(name) + ".rle")));
        }
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task ClientReportsTheServersRefusalAndExitsOne(string program, string script)
    {
        string interpreter = ChildProcess.RequireOnPath(program);
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("fake.png"), "not really a png");
        string[] good = temp.CopyVectors("syn_w128_allblack.png");

        ProcessResult result = await ChildProcess.RunAsync(
            interpreter, [Path.Combine(RepositoryPaths.Root, script), "--port", server.EndPoint.Port.ToString(), "--hex", temp.Combine("fake.png"), .. good], temp.Path);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("fake.png: InvalidImage", result.StandardError);
        string expectedHex = Convert.ToHexStringLower(File.ReadAllBytes(Vectors.Get("syn_w128_allblack.png").ExpectedPath));
        Assert.Contains($"128x3 10 bytes {expectedHex}", result.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task ClientExitsThreeWhenNoServerListens(string program, string script)
    {
        string interpreter = ChildProcess.RequireOnPath(program);
        using var temp = new TempDirectory();
        string[] inputs = temp.CopyVectors("syn_w128_allblack.png");

        ProcessResult result = await ChildProcess.RunAsync(
            interpreter, [Path.Combine(RepositoryPaths.Root, script), "--port", CompressCommandTests.ClosedPort().ToString(), .. inputs], temp.Path);

        Assert.True(result.ExitCode == 3, result.ToString());
    }
}
