using System.Net.Sockets;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Tests.Hardening;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server.Transport;

/// <summary>
/// The listener's own jobs over real loopback sockets: refusing connections over the cap (every one gets its Busy
/// frame, at a bounded cost) and a shutdown that leaves nothing behind (handshakes and refusals included).
/// </summary>
[Trait("Category", "Socket")]
public class ListenerTests(TestCertificates pki) : IClassFixture<TestCertificates>
{
    [Fact]
    public async Task EveryConnectionOverTheCapGetsItsBusyFrameEvenHundredsAtOnce()
    {
        // Hundreds of refusals at once, each client holding its connection open until it has read the answer: the
        // refusals overlap, and none may be closed without its frame (docs/PROTOCOL.md, "Busy").
        const int over = 300;
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.MaxConnections = 1;
        });
        await using FrameClient held = await server.ConnectAsync();
        await held.AssertPingAsync();

        var refused = new List<FrameClient>();
        try
        {
            for (int i = 0; i < over; i++)
            {
                FrameClient client = await server.ConnectAsync();
                refused.Add(client);
                await client.PingAsync();
            }

            Answer[] answers = await Task.WhenAll(refused.Select(c => c.ReadAnswerAsync()));
            Assert.All(answers, a => Assert.Equal(ResponseStatus.Busy, a.Status));
            Assert.All(answers, a => Assert.Contains("limit of 1 connections", a.Message));
            await Task.WhenAll(refused.Select(c => c.AssertClosedAsync()));
        }
        finally
        {
            foreach (FrameClient client in refused)
            {
                await client.DisposeAsync();
            }
        }

        await held.AssertPingAsync();
    }

    [Fact]
    public async Task StopEndsAndAwaitsTheRefusalsStillLingering()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.MaxConnections = 1;
        });
        await using FrameClient held = await server.ConnectAsync();
        await held.AssertPingAsync();

        // This client sends a request and never closes: its refusal lingers, reading and dropping, for its FIN.
        await using FrameClient refused = await server.ConnectAsync();
        await refused.PingAsync();
        Assert.Equal(ResponseStatus.Busy, (await refused.ReadAnswerAsync()).Status);
        await Eventually.TrueAsync(() => server.Listener.LingeringRefusals == 1, "the refusal did not linger");

        held.ShutdownSend();
        await server.StopAsync();

        Assert.Equal(0, server.Listener.LingeringRefusals);
        await refused.AssertClosedAsync();
    }

    [Fact]
    public async Task AConnectionStillInItsTlsHandshakeWhenStopBeginsHasEndedWhenStopReturns()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Tls.CertificatePath = pki.ServerPfxPath;
            o.Tls.CertificatePassword = "secret";
            o.Tls.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });

        // Connected, but no ClientHello: the server's side of the handshake waits.
        using Socket handshaking = await server.ConnectSocketAsync();
        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 1, "the connection was never accepted");

        await server.StopAsync();

        Assert.Equal(0, server.Listener.ConnectionCount);
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        try
        {
            Assert.Equal(0, await handshaking.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with the handshake's unread input: a reset is a close too.
        }
    }
}
