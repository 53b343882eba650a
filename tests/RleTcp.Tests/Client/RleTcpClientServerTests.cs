using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

/// <summary>The client against the real server (in-process, ephemeral port).</summary>
[Trait("Category", "Socket")]
public class RleTcpClientServerTests
{
    public static TheoryData<string> SomeVectors => new()
    {
        "page_libtasn1_p01.bmp", "syn_photo_rgb_480x320.png", "syn_palette16_320x240.gif", "syn_drawing_400x300_raw.tif", "syn_1x1_black.png",
    };

    [Theory]
    [MemberData(nameof(SomeVectors))]
    public async Task CompressingAVectorGivesTheReferenceBytesAndItsSize(string vector)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);
        VectorCase c = Vectors.Get(vector);

        RleCompressionResult result = await client.CompressFileAsync(c.InputPath);

        Assert.Equal(File.ReadAllBytes(c.ExpectedPath), result.Rle);
        Assert.Equal((c.Width, c.Height), (result.Width, result.Height));
    }

    [Fact]
    public async Task PingIsAnsweredWithAnEmptyOk()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", server.EndPoint.Port);

        RleTcpResponse answer = await client.SendAsync(ReadOnlyMemory<byte>.Empty);

        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Empty(answer.Body);
        Assert.True(await client.PingAsync() >= TimeSpan.Zero);
    }

    [Fact]
    public async Task PipelinedMixOfImagesPingsAndGarbageComesBackInOrder()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);
        string[] names = ["syn_w127_runs.png", "syn_w128_runs.png", "syn_w254_runs.png", "syn_w255_runs.png", "syn_w1000_runs.png"];
        byte[][] inputs = names.Select(n => File.ReadAllBytes(Vectors.Get(n).InputPath)).ToArray();
        byte[][] expected = names.Select(n => File.ReadAllBytes(Vectors.Get(n).ExpectedPath)).ToArray();

        var calls = new List<(int Kind, Task<RleTcpResponse> Answer)>();
        for (int i = 0; i < 150; i++)
        {
            int kind = i % 7; // 0..4 an image, 5 a ping, 6 garbage
            byte[] payload = kind < 5 ? inputs[kind] : kind == 5 ? [] : "garbage"u8.ToArray();
            calls.Add((kind, client.SendAsync(payload)));
        }

        foreach ((int kind, Task<RleTcpResponse> answer) in calls)
        {
            RleTcpResponse response = await answer;
            if (kind < 5)
            {
                Assert.Equal(expected[kind], response.Body);
            }
            else if (kind == 5)
            {
                Assert.Equal((ResponseStatus.Ok, 0), (response.Status, response.Body.Length));
            }
            else
            {
                Assert.Equal(ResponseStatus.InvalidImage, response.Status);
            }
        }
    }

    [Fact]
    public async Task InvalidImageIsARleTcpExceptionAndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        var error = await Assert.ThrowsAsync<RleTcpException>(() => client.CompressAsync("definitely not an image"u8.ToArray()));

        Assert.Equal(ResponseStatus.InvalidImage, error.Status);
        Assert.NotEmpty(error.ServerMessage);
        await client.PingAsync();
    }

    [Fact]
    public async Task DisposeWithRequestsInFlightStillDeliversTheirAnswers()
    {
        await using var server = await TestServer.StartAsync();
        var client = await RleTcpClient.ConnectAsync(server.EndPoint);
        VectorCase c = Vectors.Get("syn_checker1_301x99.bmp");
        byte[] input = File.ReadAllBytes(c.InputPath);
        Task<RleTcpResponse>[] calls = Enumerable.Range(0, 20).Select(_ => client.SendAsync(input)).ToArray();

        await client.DisposeAsync();

        byte[] expected = File.ReadAllBytes(c.ExpectedPath);
        foreach (Task<RleTcpResponse> call in calls)
        {
            Assert.Equal(expected, (await call).Body);
        }
    }

    [Fact]
    public async Task PoolOfConnectionsCompressesManyConcurrentRequestsCorrectly()
    {
        await using var server = await TestServer.StartAsync();
        await using var pool = new RleTcpClientPool("127.0.0.1", server.EndPoint.Port, connections: 4);
        VectorCase c = Vectors.Get("syn_drawing_800x600.bmp");
        byte[] input = File.ReadAllBytes(c.InputPath);

        RleCompressionResult[] results = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => pool.CompressAsync(input)));

        byte[] expected = File.ReadAllBytes(c.ExpectedPath);
        Assert.All(results, r => Assert.Equal(expected, r.Rle));
        Assert.InRange(pool.OpenConnections, 1, 4);
    }
}
