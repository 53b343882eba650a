using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>docs/PROTOCOL.md, "Version 2 / Negotiation": HELLO, its answer, and the fallback to v1.</summary>
[Trait("Category", "Socket")]
public class V2NegotiationTests
{
    [Fact]
    public async Task HelloIsAnsweredOkWithTheVersionTheLimitsAndWhatTheServerSupports()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxFrameBytes = 1 << 20;
            o.MaxBufferedRequestBytes = 1 << 21;
            o.MaxPixels = 5_000_000;
            o.MaxInFlightPerConnection = 3;
            o.RequestTimeout = TimeSpan.FromSeconds(7);
        });
        (V2RawClient client, V2Answer hello) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            Assert.Equal((ResponseStatus.Ok, 0u, (byte)V2Op.Hello), (hello.Status, hello.Id, hello.Op));
            V2ServerInfo info = hello.Fields.Server!;
            Assert.Equal(2, info.ProtocolVersion);
            Assert.StartsWith("RleTcp/", info.ServerVersion);
            Assert.Equal((1ul << 20, 5_000_000ul, 3u, 7000u), (info.MaxFrameBytes, info.MaxPixels, info.MaxInFlight, info.RequestTimeoutMs));
            Assert.Equal(["hello", "compress", "info", "decompress", "cancel", "ping"], info.Ops);
            Assert.Equal(V2RequestOptions.Names, info.Options);
            Assert.Equal("rle", info.Codecs[0]);
            Assert.Equal(["png", "bmp", "pbm", "tiff"], info.Formats);
            Assert.Equal(["nearest", "box", "bilinear", "bicubic", "lanczos3"], info.Filters);
            Assert.Empty(hello.Body);
        }
    }

    [Fact]
    public async Task AServerWithV2SwitchedOffAnswersHelloInvalidImageAndGoesOnInV1()
    {
        await using var server = await TestServer.StartAsync(o => o.EnableProtocolV2 = false);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync(V2RawClient.HelloFrame());
        Answer answer = await client.ReadAnswerAsync();
        await client.SendFrameAsync(V2Images.WorkedExamplePbm);
        Answer rle = await client.ReadAnswerAsync();

        Assert.Equal(ResponseStatus.InvalidImage, answer.Status);
        Assert.Equal("The payload is not an image in any supported format.", answer.Message);
        Assert.Equal(new byte[] { 0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02 }, rle.Body);
        await client.AssertPingAsync();
    }

    [Fact]
    public async Task HelloAfterTheFirstFrameIsAnOrdinaryV1RequestAnsweredInvalidImage()
    {
        await using var server = await TestServer.StartAsync();
        await using FrameClient client = await server.ConnectAsync();

        await client.AssertPingAsync();
        await client.SendRawAsync(V2RawClient.HelloFrame());

        Assert.Equal(ResponseStatus.InvalidImage, (await client.ReadAnswerAsync()).Status);
        await client.AssertPingAsync();
    }

    [Fact]
    public async Task V1ClientsAreAnsweredByteForByteAsBeforeOnAV2Server()
    {
        await using var server = await TestServer.StartAsync();
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Frame(V2Images.WorkedExamplePbm), .. FrameClient.Header(0), .. FrameClient.Frame("abc"u8)]);

        Assert.Equal(new byte[] { 0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02 }, (await client.ReadAnswerAsync()).Body);
        await client.AssertPingAsync_AnswerOnly();
        Assert.Equal(ResponseStatus.InvalidImage, (await client.ReadAnswerAsync()).Status);
    }

    [Fact]
    public async Task TheDotNetClientSpeaksV2ByDefault()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxInFlightPerConnection = 5);
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        Assert.Equal(2, client.ProtocolVersion);
        Assert.Equal(5u, client.Server!.MaxInFlight);
        Assert.Equal(new byte[] { 0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02 }, (await client.CompressAsync(V2Images.WorkedExamplePbm)).Rle);
    }

    [Fact]
    public async Task TheDotNetClientFallsBackToV1AgainstAV1OnlyServer()
    {
        await using var server = await TestServer.StartAsync(o => o.EnableProtocolV2 = false);
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        RleCompressionResult result = await client.CompressAsync(V2Images.WorkedExamplePbm);

        Assert.Equal(1, client.ProtocolVersion);
        Assert.Null(client.Server);
        Assert.Equal((10, 2), (result.Width, result.Height));
        Assert.True(await client.PingAsync() >= TimeSpan.Zero);
        await Assert.ThrowsAsync<NotSupportedException>(() => client.CompressAsync(V2Images.WorkedExamplePbm, new V2RequestOptions { Invert = true }));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.InfoAsync(V2Images.WorkedExamplePbm));
    }

    [Fact]
    public async Task RequiringV2FromAV1OnlyServerFailsTheConnect()
    {
        await using var server = await TestServer.StartAsync(o => o.EnableProtocolV2 = false);

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(
            () => RleTcpClient.ConnectAsync(server.EndPoint, new RleTcpClientOptions { Protocol = RleTcpProtocol.V2 }));

        Assert.Contains("does not speak protocol v2", error.Message);
    }

    [Fact]
    public async Task AskingForV1SendsNoHello()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint, new RleTcpClientOptions { Protocol = RleTcpProtocol.V1 });

        Assert.Equal(1, client.ProtocolVersion);
        Assert.Equal((10, 2), ((await client.CompressAsync(V2Images.WorkedExamplePbm)).Width, 2));
    }
}
