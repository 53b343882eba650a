using System.Net;
using System.Net.Sockets;
using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

[Trait("Category", "Socket")]
public class RleTcpClientFailureTests
{
    [Fact]
    public async Task ServerClosingWithRequestsPendingFailsEachOfThemAsClosed()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            for (int i = 0; i < 5; i++)
            {
                byte[]? payload = await ScriptedPeer.ReadFrameAsync(stream);
                if (i < 2)
                {
                    await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, payload);
                }
            }
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        Task<RleTcpResponse>[] calls = Enumerable.Range(0, 5).Select(i => client.SendAsync(new[] { (byte)i })).ToArray();

        Assert.Equal(new byte[] { 0 }, (await calls[0]).Body);
        Assert.Equal(new byte[] { 1 }, (await calls[1]).Body);
        foreach (Task<RleTcpResponse> unanswered in calls[2..])
        {
            var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => unanswered);
            Assert.Equal(RleTcpConnectionError.Closed, error.Error);
        }

        Assert.False(client.IsConnected);
        var later = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.SendAsync(new byte[] { 9 }));
        Assert.Equal(RleTcpConnectionError.Closed, later.Error);
    }

    [Fact]
    public async Task AnswerHeaderOverTheResponseLimitFailsTheConnectionWithoutReadingTheBody()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ScriptedPeer.ReadFrameAsync(stream);
            await ScriptedPeer.WriteRawFrameAsync(stream, [(byte)ResponseStatus.Ok], declaredLength: 1UL << 40);
            await ScriptedPeer.ReadFrameAsync(stream); // hold the connection until the client drops it
        });
        await using var client = await RleTcpClient.ConnectAsync(
            "127.0.0.1", peer.Port, new RleTcpClientOptions { MaxResponseBytes = 1024 });

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.SendAsync(new byte[] { 1 }));

        Assert.Equal(RleTcpConnectionError.ResponseTooLarge, error.Error);
        Assert.Contains("1099511627776", error.Message);
    }

    [Fact]
    public async Task EmptyAnswerFrameIsAProtocolViolation()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ScriptedPeer.ReadFrameAsync(stream);
            await ScriptedPeer.WriteRawFrameAsync(stream, []);
            await ScriptedPeer.ReadFrameAsync(stream);
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.PingAsync());

        Assert.Equal(RleTcpConnectionError.ProtocolViolation, error.Error);
    }

    [Fact]
    public async Task AnswerToNoRequestIsAProtocolViolationThatClosesTheConnection()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, []);
            await ScriptedPeer.ReadFrameAsync(stream);
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        await Eventually.TrueAsync(() => !client.IsConnected);

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.PingAsync());
        Assert.Equal(RleTcpConnectionError.ProtocolViolation, error.Error);
    }

    [Fact]
    public async Task FrameCutOffByTheServerIsAProtocolViolation()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ScriptedPeer.ReadFrameAsync(stream);
            await ScriptedPeer.WriteRawFrameAsync(stream, [(byte)ResponseStatus.Ok, 1, 2], declaredLength: 100);
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.SendAsync(new byte[] { 1 }));

        Assert.Equal(RleTcpConnectionError.ProtocolViolation, error.Error);
    }

    [Fact]
    public async Task StalledServerFailsTheOldestRequestAfterTheRequestTimeout()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            while (await ScriptedPeer.ReadFrameAsync(stream) is not null)
            {
                // read, never answer
            }
        });
        await using var client = await RleTcpClient.ConnectAsync(
            "127.0.0.1", peer.Port, new RleTcpClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.PingAsync());

        Assert.Equal(RleTcpConnectionError.RequestTimeout, error.Error);
    }

    [Fact]
    public async Task ErrorStatusBecomesRleTcpExceptionWithTheServersMessage()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            while (await ScriptedPeer.ReadFrameAsync(stream) is not null)
            {
                await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.InvalidImage, "not an image: unknown signature"u8);
            }
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        var error = await Assert.ThrowsAsync<RleTcpException>(() => client.CompressAsync(new byte[] { 1, 2, 3 }));

        Assert.Equal(ResponseStatus.InvalidImage, error.Status);
        Assert.Equal("not an image: unknown signature", error.ServerMessage);
        Assert.True(client.IsConnected); // an error answer is not a broken connection
    }

    [Fact]
    public async Task RequestOverTheClientLimitIsRefusedBeforeAnythingIsSent()
    {
        await using var peer = ScriptedPeer.Echo();
        await using var client = await RleTcpClient.ConnectAsync(
            "127.0.0.1", peer.Port, new RleTcpClientOptions { MaxRequestBytes = 10 });

        Assert.Throws<ArgumentException>(() => { _ = client.SendAsync(new byte[11]); });
        await Assert.ThrowsAsync<ArgumentException>(() => client.CompressAsync(new MemoryStream(new byte[11])));
        Assert.Equal(new byte[10], (await client.SendAsync(new byte[10])).Body);
    }

    [Fact]
    public async Task ConnectingToAPortNobodyListensOnFailsWithConnectFailed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => RleTcpClient.ConnectAsync("127.0.0.1", port));

        Assert.Equal(RleTcpConnectionError.ConnectFailed, error.Error);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task DisposeIsBoundedByTheDrainTimeoutWhenTheServerNeverAnswers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = new ScriptedPeer(async stream =>
        {
            while (await ScriptedPeer.ReadFrameAsync(stream) is not null)
            {
                // read, never answer, not even after the half-close
            }

            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
        });
        var client = await RleTcpClient.ConnectAsync(
            "127.0.0.1", peer.Port, new RleTcpClientOptions { DrainTimeout = TimeSpan.FromMilliseconds(200) });
        Task<RleTcpResponse>[] calls = Enumerable.Range(0, 3).Select(i => client.SendAsync(new[] { (byte)i })).ToArray();

        await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        foreach (Task<RleTcpResponse> call in calls)
        {
            var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => call);
            Assert.Equal(RleTcpConnectionError.Disposed, error.Error);
        }

        release.SetResult();
    }
}
