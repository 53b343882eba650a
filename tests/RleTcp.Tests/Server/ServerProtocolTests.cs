using System.Text;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Server;

/// <summary>The transport and framing of docs/PROTOCOL.md, over real loopback sockets, with the frame-echo workload.</summary>
public class ServerProtocolTests
{
    private static Task<TestServer> EchoServerAsync(Action<RleTcpServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            configure?.Invoke(o);
        });

    private static byte[] Numbered(int i) => Encoding.ASCII.GetBytes($"request {i:D5} " + new string('x', i % 97));

    [Fact]
    public async Task APingIsAnsweredWithTheNineBytesOfAnEmptyOkFrame()
    {
        await using TestServer server = await EchoServerAsync();
        await using FrameClient client = await server.ConnectAsync();

        await client.AssertPingAsync();
        await client.AssertPingAsync();
    }

    [Fact]
    public async Task TwoHundredPipelinedRequestsAreAnsweredInOrder()
    {
        await using TestServer server = await EchoServerAsync();
        await using FrameClient client = await server.ConnectAsync();

        // All 200 go out in one write before any answer is read.
        byte[] all = Enumerable.Range(0, 200).SelectMany(i => i % 10 == 0 ? FrameClient.Header(0) : FrameClient.Frame(Numbered(i))).ToArray();
        Task sending = client.SendRawAsync(all);
        for (int i = 0; i < 200; i++)
        {
            Answer answer = await client.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(i % 10 == 0 ? [] : Numbered(i), answer.Body);
        }

        await sending;
    }

    [Fact]
    public async Task SixtyFourConnectionsOfTwentyRequestsEachAreAllAnsweredCorrectly()
    {
        await using TestServer server = await EchoServerAsync();

        await Task.WhenAll(Enumerable.Range(0, 64).Select(async c =>
        {
            await using FrameClient client = await server.ConnectAsync();
            for (int i = 0; i < 20; i++)
            {
                byte[] payload = Numbered((c * 20) + i);
                if (i % 2 == 0)
                {
                    // Half one at a time, half pipelined in pairs.
                    await client.SendFrameAsync(payload);
                    Assert.Equal(payload, (await client.ReadAnswerAsync()).Body);
                }
                else
                {
                    byte[] next = Numbered((c * 20) + i + 1000);
                    await client.SendRawAsync(FrameClient.Frame(payload).Concat(FrameClient.Frame(next)).ToArray());
                    Assert.Equal(payload, (await client.ReadAnswerAsync()).Body);
                    Assert.Equal(next, (await client.ReadAnswerAsync()).Body);
                }
            }
        }));
    }

    [Fact]
    public async Task AfterAHalfCloseEveryPendingRequestIsAnsweredAndThenTheConnectionCloses()
    {
        await using TestServer server = await EchoServerAsync();
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync(Enumerable.Range(0, 30).SelectMany(i => FrameClient.Frame(Numbered(i))).ToArray());
        client.ShutdownSend();

        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(Numbered(i), (await client.ReadAnswerAsync()).Body);
        }

        await client.AssertClosedAsync();
    }

    [Fact]
    public async Task AFrameLargerThanThePipeBuffersArrivesWhole()
    {
        // The payload is far over the input pipe's pause threshold: it must be copied out as it arrives.
        await using TestServer server = await EchoServerAsync(o =>
        {
            o.InputBufferBytes = 8192;
            o.OutputBufferBytes = 8192;
        });
        await using FrameClient client = await server.ConnectAsync();
        byte[] payload = new byte[3_000_000];
        new Random(7).NextBytes(payload);

        Task sending = client.SendFrameAsync(payload);
        Answer answer = await client.ReadAnswerAsync();
        await sending;

        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(payload, answer.Body);
    }

    [Fact]
    public async Task ARequestDribbledOneByteAtATimeIsAnswered()
    {
        await using TestServer server = await EchoServerAsync();
        await using FrameClient client = await server.ConnectAsync();
        byte[] frame = FrameClient.Frame(Numbered(3));

        foreach (byte b in frame)
        {
            await client.SendRawAsync(new[] { b });
        }

        Assert.Equal(Numbered(3), (await client.ReadAnswerAsync()).Body);
    }

    [Fact]
    public async Task RequestsAreProcessedOnlyOnTheExecutorsOwnThreads()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(processor: processor);
        await using FrameClient client = await server.ConnectAsync();

        for (int i = 0; i < 10; i++)
        {
            await client.SendFrameAsync(ScriptedProcessor.Echo($"{i}"));
            Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        }

        Assert.Equal(10, processor.Threads.Count);
        Assert.All(processor.Threads, name => Assert.StartsWith("rletcp-worker-", name));
    }
}
