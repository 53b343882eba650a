using System.Text;
using RleTcp.Client;
using RleTcp.Protocol.Framing;

namespace RleTcp.Tests.Client;

[Trait("Category", "Socket")]
public class RleTcpClientPipeliningTests
{
    [Fact]
    public async Task ConcurrentCallersOnOneConnectionEachGetTheirOwnAnswer()
    {
        await using var peer = ScriptedPeer.Echo();
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        Task<RleTcpResponse>[] calls = Enumerable.Range(0, 300)
            .Select(i => Task.Run(() => client.SendAsync(Encoding.ASCII.GetBytes($"request {i}"))))
            .ToArray();
        RleTcpResponse[] answers = await Task.WhenAll(calls);

        for (int i = 0; i < answers.Length; i++)
        {
            Assert.Equal(ResponseStatus.Ok, answers[i].Status);
            Assert.Equal($"request {i}", Encoding.ASCII.GetString(answers[i].Body));
        }

        Assert.Equal(1, peer.Accepted);
    }

    [Fact]
    public async Task LargeAndSmallRequestsInterleavedKeepTheirOrder()
    {
        await using var peer = ScriptedPeer.Echo();
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);
        byte[][] payloads = Enumerable.Range(0, 12)
            .Select(i => Enumerable.Repeat((byte)i, i % 3 == 0 ? 300_000 + i : 10 + i).ToArray())
            .ToArray();

        RleTcpResponse[] answers = await Task.WhenAll(payloads.Select(p => client.SendAsync(p)));

        for (int i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], answers[i].Body);
        }
    }

    [Fact]
    public async Task CancellingAWrittenRequestStillConsumesItsAnswerSoLaterOnesStayInStep()
    {
        // The peer holds all answers until three requests arrived, and says when it has two, so B is surely on
        // the wire (its answer will come) when it is cancelled.
        var twoReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = new ScriptedPeer(async stream =>
        {
            var received = new List<byte[]>();
            while (received.Count < 3 && await ScriptedPeer.ReadFrameAsync(stream) is { } payload)
            {
                received.Add(payload);
                if (received.Count == 2)
                {
                    twoReceived.SetResult();
                }
            }

            foreach (byte[] payload in received)
            {
                await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, payload);
            }

            while (await ScriptedPeer.ReadFrameAsync(stream) is { } more)
            {
                await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, more);
            }
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);
        using var cancelB = new CancellationTokenSource();

        Task<RleTcpResponse> a = client.SendAsync("A"u8.ToArray());
        Task<RleTcpResponse> b = client.SendAsync("B"u8.ToArray(), cancelB.Token);
        await twoReceived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cancelB.Cancel();
        Task<RleTcpResponse> c = client.SendAsync("C"u8.ToArray());

        Assert.Equal("A"u8.ToArray(), (await a).Body);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        Assert.Equal("C"u8.ToArray(), (await c).Body);
        Assert.Equal("D"u8.ToArray(), (await client.SendAsync("D"u8.ToArray())).Body);
    }

    [Fact]
    public async Task DisposeHalfClosesAndStillDeliversEveryPendingAnswer()
    {
        // This peer answers nothing until the client's sending side is shut down, as a server drains on half-close.
        await using var peer = new ScriptedPeer(async stream =>
        {
            var received = new List<byte[]>();
            while (await ScriptedPeer.ReadFrameAsync(stream) is { } payload)
            {
                received.Add(payload);
            }

            foreach (byte[] payload in received)
            {
                await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, payload);
            }
        });
        var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);
        Task<RleTcpResponse>[] calls = Enumerable.Range(0, 10).Select(i => client.SendAsync(new[] { (byte)i })).ToArray();

        await client.DisposeAsync();

        for (int i = 0; i < calls.Length; i++)
        {
            Assert.Equal(new[] { (byte)i }, (await calls[i]).Body);
        }

        Assert.False(client.IsConnected);
        var after = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.SendAsync(new byte[] { 1 }));
        Assert.Equal(RleTcpConnectionError.Disposed, after.Error);
    }
}
