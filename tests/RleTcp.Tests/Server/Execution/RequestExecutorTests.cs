using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Server.Execution;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Server.Execution;

/// <summary>The dedicated executor on its own: queue bound, bands, priorities, deadlock freedom.</summary>
[Trait("Category", "Unit")]
public class RequestExecutorTests
{
    private static RequestExecutor Create(IRequestProcessor processor, int workers, int queue = 64, TimeSpan? timeout = null) =>
        new(Options.Create(new RleTcpServerOptions
        {
            Workers = workers,
            QueueCapacity = queue,
            RequestTimeout = timeout ?? TestServer.Patience,
        }), processor, NullLogger<RequestExecutor>.Instance, StandaloneMetrics.Create());

    private static byte[] Body(ServerResponse response)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < response.BodySegmentCount; i++)
        {
            bytes.AddRange(response.GetBodySegment(i).ToArray());
        }

        return bytes.ToArray();
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(300, 7, 4096)]    // bands of 13 rows, the last one short
    [InlineData(64, 1000, 4096)]  // bands of 64 rows
    [InlineData(5000, 3, 4096)]   // wider than a band: one row per band
    [InlineData(129, 129, 1 << 20)] // one band, encoded inline
    public void BandsEncodedInParallelJoinToTheWholeImagesEncoding(int width, int height, long bandPixels)
    {
        using RequestExecutor executor = Create(new FrameEchoProcessor(), workers: 3);
        BitImage image = TestImages.Runs(width, height, seed: width + height, maxRun: 50);

        using ServerResponse response = BandedRleEncoder.Encode(image, bandPixels, executor, CancellationToken.None);

        Assert.Equal(ResponseStatus.Ok, response.Status);
        Assert.Equal(RleEncoder.Encode(image), Body(response));
        Assert.Equal(RleEncoder.Encode(image).Length, response.BodyLength);
    }

    [Fact]
    public async Task EveryWorkerHoldingALargeJobStillFinishesThemAll()
    {
        // Two workers, two jobs that each split into many bands, both started before either runs a band.
        using var bothStarted = new Barrier(2);
        var processor = new DelegateProcessor((payload, bands, ct) =>
        {
            Assert.True(bothStarted.SignalAndWait(TestServer.Patience));
            BitImage image = TestImages.Noise(256, 200, seed: payload.Span[0]);
            return BandedRleEncoder.Encode(image, bandPixels: 4096, bands, ct);
        });
        using RequestExecutor executor = Create(processor, workers: 2);

        Assert.True(executor.TrySubmit(TestPayload.Of([1]), out Task<ServerResponse> first));
        Assert.True(executor.TrySubmit(TestPayload.Of([2]), out Task<ServerResponse> second));

        using ServerResponse a = await first.WaitAsync(TestServer.Patience);
        using ServerResponse b = await second.WaitAsync(TestServer.Patience);
        Assert.Equal(RleEncoder.Encode(TestImages.Noise(256, 200, 1)), Body(a));
        Assert.Equal(RleEncoder.Encode(TestImages.Noise(256, 200, 2)), Body(b));
    }

    [Fact]
    public async Task HasIdleWorkerIsTrueOnlyWhileAnotherWorkerWaitsForWork()
    {
        // What the intake asks before it streams a PNG's inflate beside its dither: inside the first job the other
        // worker is idle; inside the second, and with both held and a third queued, no worker is.
        using var release = new ManualResetEventSlim();
        using var firstIn = new SemaphoreSlim(0);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<byte, bool>();
        var processor = new DelegateProcessor((payload, bands, ct) =>
        {
            seen[payload.Span[0]] = bands.HasIdleWorker;
            firstIn.Release();
            release.Wait(TestServer.Patience);
            return ServerResponse.Ping;
        });
        using RequestExecutor executor = Create(processor, workers: 2);
        Assert.True(executor.HasIdleWorker);

        Assert.True(executor.TrySubmit(TestPayload.Of([1]), out Task<ServerResponse> first));
        Assert.True(await firstIn.WaitAsync(TestServer.Patience));
        Assert.True(executor.TrySubmit(TestPayload.Of([2]), out Task<ServerResponse> second));
        Assert.True(await firstIn.WaitAsync(TestServer.Patience));
        Assert.True(executor.TrySubmit(TestPayload.Of([3]), out Task<ServerResponse> third));
        bool whileQueued = executor.HasIdleWorker;
        release.Set();
        foreach (Task<ServerResponse> answer in new[] { first, second, third })
        {
            (await answer.WaitAsync(TestServer.Patience)).Dispose();
        }

        Assert.True(seen[1], "inside the first job the other worker was idle");
        Assert.False(seen[2], "inside the second job both workers were busy");
        Assert.False(whileQueued, "with both workers held and a request queued");
    }

    [Fact]
    public async Task AFreeWorkerTakesAQueuedSmallRequestBeforeTheBandsOfALargeOne()
    {
        // If the freed worker took a band first, every band waits for the small request until its patience runs out.
        // With requests first, the small one runs and lets the bands go. The workers only record what happened (an
        // assert there would become an InternalError answer); the test thread checks the order and the statuses.
        using var holdReleased = new ManualResetEventSlim();
        using var smallDone = new ManualResetEventSlim();
        using var bandsQueued = new ManualResetEventSlim();
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var processor = new DelegateProcessor((payload, bands, ct) =>
        {
            switch (payload.Span[0])
            {
                case (byte)'h':
                    events.Enqueue(holdReleased.Wait(TestServer.Patience) ? "hold" : "hold never released");
                    break;
                case (byte)'s':
                    events.Enqueue("small");
                    smallDone.Set();
                    break;
                case (byte)'L':
                    using (var group = new WaitingBands(8, bandsQueued, smallDone, events))
                    {
                        bands.Run(group, ct);
                    }

                    break;
            }

            return ServerResponse.Ping;
        });
        using RequestExecutor executor = Create(processor, workers: 2);

        Assert.True(executor.TrySubmit(TestPayload.Of("h"u8), out Task<ServerResponse> hold));
        Assert.True(executor.TrySubmit(TestPayload.Of("L"u8), out Task<ServerResponse> large));
        Assert.True(bandsQueued.Wait(TestServer.Patience)); // the large job runs its first band; its tickets are queued
        Assert.True(executor.TrySubmit(TestPayload.Of("s"u8), out Task<ServerResponse> small));
        holdReleased.Set();

        ServerResponse[] answers = await Task.WhenAll(hold, large, small).WaitAsync(TestServer.Patience);
        Assert.All(answers, a => Assert.Equal(ResponseStatus.Ok, a.Status));
        string[] order = events.ToArray();
        Assert.Equal(8, order.Count(e => e == "band"));
        Assert.Contains("hold", order);
        Assert.DoesNotContain("band", order.TakeWhile(e => e != "small"));
        Assert.Equal(10, order.Length);
    }

    [Fact]
    public async Task AFullQueueRefusesAtOnceInsteadOfGrowing()
    {
        var processor = new ScriptedProcessor();
        using RequestExecutor executor = Create(processor, workers: 1, queue: 2);

        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Hold()), out Task<ServerResponse> running));
        await processor.WaitEnteredAsync();
        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Echo("1")), out Task<ServerResponse> q1));
        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Echo("2")), out Task<ServerResponse> q2));
        using PooledPayload refused = TestPayload.Of(ScriptedProcessor.Echo("3"));

        Assert.False(executor.TrySubmit(refused, out _));
        Assert.Equal(2, executor.QueuedCount);
        processor.Release();
        await Task.WhenAll(running, q1, q2).WaitAsync(TestServer.Patience);
        Assert.Equal(0, executor.QueuedCount);
    }

    [Fact]
    public async Task AJobThatTimesOutWhileQueuedIsAnsweredTimeoutAndNeverRun()
    {
        var processor = new ScriptedProcessor();
        using RequestExecutor executor = Create(processor, workers: 1, timeout: TimeSpan.FromMilliseconds(100));

        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Hold("held")), out Task<ServerResponse> held));
        await processor.WaitEnteredAsync();
        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Echo("late")), out Task<ServerResponse> queued));

        // The worker is held, so the queued job's deadline passes while it waits; the held one times out as well.
        Assert.Equal(ResponseStatus.Timeout, (await queued.WaitAsync(TestServer.Patience)).Status);
        Assert.Equal(ResponseStatus.Timeout, (await held.WaitAsync(TestServer.Patience)).Status);
        processor.Release();

        // A later job (whatever its own fate) is dequeued after the timed-out one, so by its end that one was passed over.
        Assert.True(executor.TrySubmit(TestPayload.Of(ScriptedProcessor.Echo("barrier")), out Task<ServerResponse> barrier));
        await barrier.WaitAsync(TestServer.Patience);
        Assert.DoesNotContain("Elate", processor.Payloads);
    }

    [Fact]
    public void ABandFailureReachesTheJobAfterTheOtherBandsFinish()
    {
        using RequestExecutor executor = Create(new FrameEchoProcessor(), workers: 2);
        using var group = new FailingBands(10, failing: 6);

        var error = Assert.Throws<InvalidOperationException>(() => executor.Run(group, CancellationToken.None));
        Assert.Equal("band 6", error.Message);
        Assert.Equal(9, group.Completed);
    }

    [Fact]
    public void AStaleBandTicketReachingADisposedGroupFindsNoBandAndDoesNotThrow()
    {
        // One worker helps a group of three: the owner may claim every band before the helper's ticket is taken, so
        // tickets can outlive the group; taking one after Dispose must be harmless.
        using RequestExecutor executor = Create(new FrameEchoProcessor(), workers: 2);
        var group = new FailingBands(3, failing: -1);
        executor.Run(group, CancellationToken.None);
        group.Dispose();

        group.Help();

        Assert.Equal(3, group.Completed);
    }

    [Fact]
    public async Task EveryRequestAcceptedWhileTheExecutorIsDisposedIsAnsweredByTheTimeDisposeReturns()
    {
        // Submissions race Dispose; whichever side wins, an accepted request must be run or answered Busy by Dispose,
        // never left queued until its (here very long) deadline.
        for (int round = 0; round < 200; round++)
        {
            RequestExecutor executor = Create(new FrameEchoProcessor(), workers: 1, queue: 16, timeout: TimeSpan.FromMinutes(10));
            var accepted = new List<Task<ServerResponse>>();
            using var submitting = new ManualResetEventSlim(false);
            bool disposed = false;
            var submitter = new Thread(() =>
            {
                // Refusals (queue full, then stopping) are fine; the submitter stops once Dispose has returned.
                while (!Volatile.Read(ref disposed))
                {
                    var payload = TestPayload.Of(ScriptedProcessor.Echo("race"));
                    if (executor.TrySubmit(payload, out Task<ServerResponse> answer))
                    {
                        accepted.Add(answer);
                    }
                    else
                    {
                        payload.Dispose();
                    }

                    submitting.Set();
                }
            });
            submitter.Start();
            Assert.True(submitting.Wait(TestServer.Patience));

            executor.Dispose();
            Volatile.Write(ref disposed, true);
            Assert.True(submitter.Join(TestServer.Patience));

            Assert.All(accepted, answer => Assert.True(answer.IsCompleted, $"Round {round}: an accepted request was left queued."));
            foreach (Task<ServerResponse> answer in accepted)
            {
                (await answer).Dispose();
            }
        }
    }

    private sealed class DelegateProcessor(Func<ReadOnlyMemory<byte>, IBandScheduler, CancellationToken, ServerResponse> process)
        : IRequestProcessor
    {
        public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken) =>
            process(payload, bands, cancellationToken);
    }

    private sealed class WaitingBands(
        int count, ManualResetEventSlim started, ManualResetEventSlim proceed, System.Collections.Concurrent.ConcurrentQueue<string> events)
        : BandGroup(count)
    {
        protected override void RunBand(int index)
        {
            started.Set();
            events.Enqueue(proceed.Wait(TestServer.Patience) ? "band" : "band ran before the small request");
        }
    }

    private sealed class FailingBands(int count, int failing) : BandGroup(count)
    {
        private int _completed;

        public int Completed => _completed;

        protected override void RunBand(int index)
        {
            if (index == failing)
            {
                throw new InvalidOperationException($"band {index}");
            }

            Interlocked.Increment(ref _completed);
        }
    }
}
