using System.Net.Sockets;
using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Server.Execution;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

/// <summary>
/// Answers a connection will never send (it was aborted while they were computed, queued, or waiting to be queued)
/// still return their pooled buffers once they complete.
/// </summary>
[Trait("Category", "Socket")]
public class UnsentAnswerReleaseTests
{
    [Fact]
    public async Task AnswersCutByTheDrainTimeoutStillReturnTheirPooledBuffers()
    {
        var pool = new CountingArrayPool();
        var processor = new PooledHoldingProcessor(pool);
        TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.MaxPipelinedRequests = 1;
                o.DrainTimeout = TimeSpan.FromMilliseconds(200);
            },
            processor);
        await using (server)
        {
            await using FrameClient client = await server.ConnectAsync();

            // The writer awaits the first answer, the second fills the pipeline (capacity 1) and the read loop waits to
            // queue the third (submitted: in the executor's queue, both workers being held).
            byte[] held = [(byte)'H', 1, 2, 3];
            await client.SendRawAsync([.. FrameClient.Frame(held), .. FrameClient.Frame(held), .. FrameClient.Frame(held)]);
            await processor.WaitEnteredAsync(2);
            Assert.True(await Eventually.HoldsAsync(() => server.Executor.QueuedCount == 1), "The third request was never submitted.");

            Task stopping = server.StopAsync();
            try
            {
                Assert.Null(await client.ReadAnswerOrEndAsync());
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }

            processor.Release();
            await stopping.WaitAsync(TestServer.Patience);
        }

        Assert.True(await Eventually.HoldsAsync(() => pool.Outstanding == 0), $"{pool.Outstanding} pooled answer buffers were never returned.");
        Assert.True(processor.Answered >= 2, "The held requests were never answered by the processor.");
    }


    /// <summary>Holds every request until <see cref="Release"/>, then echoes it into a buffer from the counting pool.</summary>
    private sealed class PooledHoldingProcessor(CountingArrayPool pool) : IRequestProcessor
    {
        private readonly ManualResetEventSlim _released = new(false);
        private readonly SemaphoreSlim _entered = new(0);
        private int _answered;

        public int Answered => Volatile.Read(ref _answered);

        public void Release() => _released.Set();

        public async Task WaitEnteredAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                Assert.True(await _entered.WaitAsync(TestServer.Patience), "A request never reached the processor.");
            }
        }

        public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
        {
            _entered.Release();
            Assert.True(_released.Wait(TestServer.Patience), "A held request was never released.");
            var body = new ArrayPoolBufferWriter<byte>(pool, payload.Length);
            payload.Span.CopyTo(body.GetSpan(payload.Length));
            body.Advance(payload.Length);
            Interlocked.Increment(ref _answered);
            return ServerResponse.Ok([body]);
        }
    }
}
