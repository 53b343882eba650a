using System.Net.Sockets;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>Slow, flooding, non-reading and vanishing clients: each is dealt with, and everyone else is still served.</summary>
[Trait("Category", "Socket")]
[Collection(nameof(MemoryMeasurements))]
public class AbusiveClientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASlowlorisClientGetsTimeoutAndIsDisconnected(bool inPayload)
    {
        await using TestServer server = await TestServer.StartAsync(o => o.FrameTimeout = TimeSpan.FromSeconds(1));
        await using FrameClient client = await server.ConnectAsync();
        byte[] frame = FrameClient.Frame(Hardening.Input(Hardening.ProbeVector));
        int start = 0;
        if (inPayload)
        {
            await client.SendRawAsync(frame.AsMemory(0, FrameHeader.Size));
            start = FrameHeader.Size;
        }

        // One byte every 100 ms: the frame cannot be whole before FrameTimeout (it has thousands of bytes).
        using var stop = new CancellationTokenSource();
        Task dribbling = Task.Run(async () =>
        {
            for (int i = start; i < frame.Length && !stop.IsCancellationRequested; i++)
            {
                await client.Socket.SendAsync(frame.AsMemory(i, 1), SocketFlags.None);
                await Task.Delay(100, stop.Token);
            }
        });

        Answer answer = await client.ReadAnswerAsync();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => dribbling.WaitAsync(TestServer.Patience)); // cancelled, or the send failed

        Assert.Equal(ResponseStatus.Timeout, answer.Status);
        await client.AssertClosedAsync();
        await Hardening.AssertFreshClientIsServedAsync(server);
        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task HundredsOfConnectionsOpenedAndDroppedLeaveTheServerServing()
    {
        await using TestServer server = await TestServer.StartAsync();
        const int Connections = 400;
        const int Batch = 50;
        for (int first = 0; first < Connections; first += Batch)
        {
            await Task.WhenAll(Enumerable.Range(first, Batch).Select(async i =>
            {
                Socket socket = await server.ConnectSocketAsync();
                switch (i % 4)
                {
                    case 0: // closed at once
                        break;
                    case 1: // reset instead of FIN
                        socket.LingerState = new LingerOption(true, 0);
                        break;
                    case 2: // half a header, then gone
                        await socket.SendAsync(FrameClient.Header(100).AsMemory(0, 4), SocketFlags.None);
                        break;
                    default: // a request, gone before its answer
                        await socket.SendAsync(FrameClient.Frame(Hardening.Input(Hardening.ProbeVector)), SocketFlags.None);
                        socket.LingerState = new LingerOption(true, 0);
                        break;
                }

                socket.Dispose();
            }));
        }

        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 0);
        await Hardening.AssertFreshClientIsServedAsync(server);
        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task AClientThatNeverReadsIsNoLongerReadFromAndTheServersMemoryStaysBounded()
    {
        const int MaxPipelined = 8;
        const int BufferBytes = 64 * 1024;
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.MaxPipelinedRequests = MaxPipelined;
            o.InputBufferBytes = BufferBytes;
            o.OutputBufferBytes = BufferBytes;
            // The write-stall guard: how long a non-reader is kept. Generous, so the sending phase below fits inside it
            // even on a loaded machine (the guard starts as soon as the first answer cannot be flushed).
            o.IdleTimeout = TimeSpan.FromSeconds(10);
        });
        byte[] image = Hardening.Input("syn_noise50_512x512.png");
        int answerBytes = Hardening.Expected("syn_noise50_512x512.png").Length;
        byte[] frame = FrameClient.Frame(image);
        await Hardening.AssertFreshClientIsServedAsync(server); // warm-up: first-use allocations are not the client's
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, SendBufferSize = 4096 };
        await socket.ConnectAsync(server.EndPoint);
        await using var abuser = new FrameClient(socket);
        int sent = 0;
        int maxPending = 0;
        while (true)
        {
            // A send that cannot complete for a second: the server has stopped reading this connection.
            using var blocked = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.SendAsync(frame, SocketFlags.None, blocked.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            sent++;
            maxPending = Math.Max(maxPending, server.Listener.MaxPendingAnswers);
            Assert.True(sent < 2000, "The server kept reading from a client that reads nothing.");
        }

        maxPending = Math.Max(maxPending, server.Listener.MaxPendingAnswers);
        long heapStuck = GC.GetTotalMemory(forceFullCollection: true);

        // Everyone else is served while the abuser is stuck.
        await Hardening.AssertFreshClientIsServedAsync(server);

        // Queued (MaxPipelined) + the one being written + the one waiting to be queued.
        Assert.InRange(maxPending, 1, MaxPipelined + 2);
        // What the server may hold for it: its answers (at most MaxPipelined + 2), both pipes, and one payload being
        // read; 16 MiB covers the runtime's own growth (thread-pool, timers, pooled arrays) during the test.
        long bound = ((MaxPipelined + 2) * (long)answerBytes) + (2 * BufferBytes) + image.Length + (16L << 20);
        output.WriteLine($"sent {sent} requests before the server stopped reading; max pending {maxPending}; heap grew {heapStuck - heapBefore} B (bound {bound})");
        Assert.True(heapStuck - heapBefore < bound, $"The heap grew by {heapStuck - heapBefore} bytes (bound {bound}).");

        // After an idle timeout with nothing taken, the server cuts it.
        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 0);
        ServerAssertions.NoServerFault(server);
    }

    [Fact]
    public async Task AClientThatClosesInTheMiddleOfAnAnswerIsNotAServerFault()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.OutputBufferBytes = 64 * 1024);
        byte[] image = Hardening.Input("syn_noise50_512x512.png");
        await using (FrameClient client = await server.ConnectAsync())
        {
            client.Socket.ReceiveBufferSize = 4096;
            await client.SendRawAsync(Enumerable.Repeat(FrameClient.Frame(image), 4).SelectMany(f => f).ToArray());
            byte[] some = new byte[1000];
            int got = await client.Socket.ReceiveAsync(some, SocketFlags.None);
            Assert.True(got > 0);
            client.Socket.LingerState = new LingerOption(true, 0); // vanish with a reset, answers half read
        }

        await Eventually.TrueAsync(() => server.Listener.ConnectionCount == 0);
        await Hardening.AssertFreshClientIsServedAsync(server);
        ServerAssertions.NoServerFault(server);
    }
}
