using System.Net.Sockets;
using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Tests.Hardening;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server.Transport;

/// <summary>
/// Answer bodies of 256 KB and more leave from the answer's own buffer instead of through the output pipe
/// (<c>PipeTransport.SendUnbufferedAsync</c>): over real loopback sockets, they arrive whole and in request order among
/// small answers, and the bounds of the buffered path still hold (a peer that never reads is cut by the write deadline;
/// one that vanishes mid-answer is no server fault).
/// </summary>
[Trait("Category", "Socket")]
public class UnbufferedAnswerTests(TestCertificates pki) : IClassFixture<TestCertificates>
{
    private static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task BigAndSmallPipelinedAnswersArriveWholeAndInRequestOrder()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.OutputBufferBytes = 64 * 1024; // far below the big bodies: they cannot have passed through the pipe whole
        });
        byte[][] payloads =
        [
            Pattern(10, 1), Pattern(3 << 20, 2), Pattern(300, 3), Pattern(256 * 1024, 4), Pattern(256 * 1024 - 1, 5),
            Pattern(5 << 20, 6), Pattern(1, 7),
        ];
        await using FrameClient client = await server.ConnectAsync();
        Task sending = client.SendRawAsync(payloads.SelectMany(p => FrameClient.Frame(p)).ToArray());
        foreach (byte[] payload in payloads)
        {
            Answer answer = await client.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.True(payload.AsSpan().SequenceEqual(answer.Body), $"the {payload.Length}-byte echo differs");
        }

        await sending;
        await client.AssertPingAsync();
        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task BigAnswersOverTlsArriveWholeAndInRequestOrder()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.Tls.CertificatePath = pki.ServerCertPemPath;
            o.Tls.KeyPath = pki.ServerKeyPemPath;
        });
        var options = new RleTcpClientOptions
        {
            Protocol = RleTcpProtocol.V1,
            Tls = new RleTcpClientTlsOptions { TrustedAuthorities = [pki.Ca] },
        };
        await using RleTcpClient client = await RleTcpClient.ConnectAsync(server.EndPoint, options);
        byte[][] payloads = [Pattern(2 << 20, 10), Pattern(100, 11), Pattern(512 * 1024, 12)];
        RleTcpResponse[] answers = await Task.WhenAll(payloads.Select(p => client.SendAsync(p)));
        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(ResponseStatus.Ok, answers[i].Status);
            Assert.True(payloads[i].AsSpan().SequenceEqual(answers[i].Body), $"the {payloads[i].Length}-byte echo differs");
        }

        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task APeerThatNeverReadsABigAnswerIsCutByTheWriteDeadline()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.IdleTimeout = TimeSpan.FromSeconds(1);
        });
        Socket socket = await server.ConnectSocketAsync();
        socket.ReceiveBufferSize = 4096;
        await using var abuser = new FrameClient(socket);

        // 8 MB echoed back: far more than both socket buffers hold, so the unbuffered send waits for a peer that never reads.
        await abuser.SendFrameAsync(Pattern(8 << 20, 8));
        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 0, "the non-reading peer was not cut");
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("not reading", StringComparison.Ordinal));

        await using FrameClient fresh = await server.ConnectAsync();
        await fresh.AssertPingAsync();
        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task APeerThatVanishesInTheMiddleOfABigAnswerIsNotAServerFault()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Workload = ServerWorkload.FrameEcho);
        await using (FrameClient client = await server.ConnectAsync())
        {
            client.Socket.ReceiveBufferSize = 4096;
            await client.SendFrameAsync(Pattern(4 << 20, 9));
            byte[] some = new byte[1000];
            Assert.True(await client.Socket.ReceiveAsync(some, SocketFlags.None) > 0);
            client.Socket.LingerState = new LingerOption(true, 0); // a reset, the answer half read
        }

        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 0);
        await using FrameClient fresh = await server.ConnectAsync();
        await fresh.AssertPingAsync();
        ServerAssertions.NoServerFault(server);
    }
}
