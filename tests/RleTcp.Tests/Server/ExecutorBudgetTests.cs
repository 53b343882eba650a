using System.Collections.Concurrent;
using System.Diagnostics;
using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Execution;
using RleTcp.Server.Configuration;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

/// <summary>
/// The executor's fairness between clients, its answer budget and its bounded stop, on the executor alone with a
/// processor whose behaviour the payload scripts.
/// </summary>
[Trait("Category", "Unit")]
public class ExecutorBudgetTests
{
    private static RequestExecutor Create(IRequestProcessor processor, int workers, int queue = 64, AnswerBytesBudget? answers = null) =>
        new(Options.Create(new RleTcpServerOptions { Workers = workers, QueueCapacity = queue, RequestTimeout = TestServer.Patience }),
            processor, NullLogger<RequestExecutor>.Instance, StandaloneMetrics.Create(), answers);

    [Fact]
    public async Task ALightClientsRequestRunsBeforeAHeavyClientsQueuedBacklog()
    {
        var order = new ConcurrentQueue<string>();
        using var gate = new ManualResetEventSlim(false);
        using var entered = new SemaphoreSlim(0);
        var processor = new Processor((payload, _) =>
        {
            string name = System.Text.Encoding.UTF8.GetString(payload.Span);
            order.Enqueue(name);
            entered.Release();
            if (name == "heavy-0")
            {
                Assert.True(gate.Wait(TestServer.Patience));
            }

            return ServerResponse.Error(ResponseStatus.InvalidImage, name);
        });
        using RequestExecutor executor = Create(processor, workers: 1);
        RequestSource heavy = executor.CreateSource(), light = executor.CreateSource();

        var answers = new List<Task<ServerResponse>>();
        for (int i = 0; i < 10; i++)
        {
            Assert.True(executor.TrySubmit(TestPayload.Of(System.Text.Encoding.UTF8.GetBytes($"heavy-{i}")), heavy, out Task<ServerResponse> a));
            answers.Add(a);
            if (i == 0)
            {
                Assert.True(await entered.WaitAsync(TestServer.Patience)); // heavy-0 holds the only worker
            }
        }

        Assert.True(executor.TrySubmit(TestPayload.Of("light"u8), light, out Task<ServerResponse> lightAnswer));
        gate.Set();
        await lightAnswer.WaitAsync(TestServer.Patience);
        foreach (Task<ServerResponse> a in answers)
        {
            (await a.WaitAsync(TestServer.Patience)).Dispose();
        }

        // FIFO ran it eleventh, behind the whole backlog; round-robin runs it in the first round after the running job:
        // behind the heavy client's next turn (queued first), ahead of the rest of its backlog.
        Assert.Equal(["heavy-0", "heavy-1", "light", "heavy-2"], order.Take(4));
    }

    [Fact]
    public async Task OneClientMayQueueAQuarterOfTheQueueAndOthersStillGetIn()
    {
        using var gate = new ManualResetEventSlim(false);
        using var entered = new SemaphoreSlim(0);
        var processor = new Processor((_, _) =>
        {
            entered.Release();
            Assert.True(gate.Wait(TestServer.Patience));
            return ServerResponse.Error(ResponseStatus.InvalidImage, "done");
        });
        using RequestExecutor executor = Create(processor, workers: 1, queue: 8);
        RequestSource greedy = executor.CreateSource(), other = executor.CreateSource();
        var accepted = new List<Task<ServerResponse>>();

        Assert.True(executor.TrySubmit(TestPayload.Of("r"u8), greedy, out Task<ServerResponse> running));
        accepted.Add(running);
        Assert.True(await entered.WaitAsync(TestServer.Patience));
        for (int i = 0; i < 2; i++)
        {
            Assert.True(executor.TrySubmit(TestPayload.Of("q"u8), greedy, out Task<ServerResponse> queued));
            accepted.Add(queued);
        }

        using (var refused = TestPayload.Of("q"u8))
        {
            Assert.False(executor.TrySubmit(refused, greedy, out _)); // 8 / 4 = 2 queued at most
        }

        Assert.True(executor.TrySubmit(TestPayload.Of("o"u8), other, out Task<ServerResponse> others));
        accepted.Add(others);
        gate.Set();
        foreach (Task<ServerResponse> a in accepted)
        {
            (await a.WaitAsync(TestServer.Patience)).Dispose();
        }
    }

    [Fact]
    public async Task AConnectionsSecondUnsentAnswerOverItsShareIsBusyWhileOtherConnectionsAreStillAnswered()
    {
        // 4 MiB budget: a connection may hold 1 MiB, or one answer of any size up to the budget.
        var budget = new AnswerBytesBudget(4L << 20);
        var processor = new Processor((payload, _) => Answer(int.Parse(System.Text.Encoding.UTF8.GetString(payload.Span), System.Globalization.CultureInfo.InvariantCulture)));
        using RequestExecutor executor = Create(processor, workers: 1, answers: budget);
        RequestSource hog = executor.CreateSource(), polite = executor.CreateSource();

        using ServerResponse first = await SubmitAsync(executor, hog, 3_000_000);
        using ServerResponse second = await SubmitAsync(executor, hog, 800_000);
        using ServerResponse others = await SubmitAsync(executor, polite, 800_000);

        Assert.Equal(ResponseStatus.Ok, first.Status);     // alone on its connection: admitted whatever its size
        Assert.Equal(ResponseStatus.Busy, second.Status);  // 3 MB unsent already, past the 1 MiB share
        Assert.Equal(ResponseStatus.Ok, others.Status);
        Assert.Equal(3_800_000, budget.Used);
        Assert.Equal(3_000_000, hog.UnsentAnswerBytes);

        first.Dispose(); // sent: the share and the budget are free again
        using ServerResponse again = await SubmitAsync(executor, hog, 800_000);
        Assert.Equal(ResponseStatus.Ok, again.Status);
        again.Dispose();
        others.Dispose();
        Assert.Equal(0, budget.Used);
        Assert.Equal(0, hog.UnsentAnswerBytes);
    }

    [Fact]
    public async Task ConnectionsThatStopReadingHoldAtMostHalfTheBudgetSoAReadingClientsAnswerStillFits()
    {
        // 8 MiB: 2 MiB per connection, 4 MiB for all answers beyond a connection's first unsent one.
        var budget = new AnswerBytesBudget(8L << 20);
        var processor = new Processor((payload, _) => Answer(int.Parse(System.Text.Encoding.UTF8.GetString(payload.Span), System.Globalization.CultureInfo.InvariantCulture)));
        using RequestExecutor executor = Create(processor, workers: 1, answers: budget);
        var held = new List<ServerResponse>();
        var statuses = new List<ResponseStatus>();
        for (int c = 0; c < 5; c++)
        {
            RequestSource stalled = executor.CreateSource();
            held.Add(await SubmitAsync(executor, stalled, 100_000));   // its first: always admitted
            held.Add(await SubmitAsync(executor, stalled, 1_000_000)); // backlog
            statuses.Add(held[^1].Status);
        }

        using ServerResponse reader = await SubmitAsync(executor, executor.CreateSource(), 3_000_000);

        Assert.Equal([ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.Busy], statuses);
        Assert.InRange(budget.BacklogUsed, 0, budget.BacklogCapacity);
        Assert.Equal(ResponseStatus.Ok, reader.Status);
        foreach (ServerResponse response in held)
        {
            response.Dispose();
        }

        reader.Dispose();
        Assert.Equal(0, budget.Used);
        Assert.Equal(0, budget.BacklogUsed);
    }

    [Fact]
    public async Task AnAnswerOverTheWholeBudgetIsBusyAndChargesNothing()
    {
        var budget = new AnswerBytesBudget(1L << 20);
        var processor = new Processor((payload, _) => Answer(2_000_000));
        using RequestExecutor executor = Create(processor, workers: 1, answers: budget);

        using ServerResponse answer = await SubmitAsync(executor, executor.CreateSource(), 0);

        Assert.Equal(ResponseStatus.Busy, answer.Status);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task DisposeReturnsWithinItsStopTimeoutWhenAWorkerNeverComesBack()
    {
        using var never = new ManualResetEventSlim(false);
        using var entered = new SemaphoreSlim(0);
        var processor = new Processor((_, _) =>
        {
            entered.Release();
            never.Wait(); // a decoder stuck in a loop: ignores its cancellation
            return ServerResponse.Error(ResponseStatus.InvalidImage, "late");
        });
        RequestExecutor executor = Create(processor, workers: 2);
        Assert.True(executor.TrySubmit(TestPayload.Of("stuck"u8), out Task<ServerResponse> stuck));
        Assert.True(await entered.WaitAsync(TestServer.Patience));

        var clock = Stopwatch.StartNew();
        executor.Dispose();
        clock.Stop();
        never.Set(); // let the abandoned thread end with the test

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, RequestExecutor.WorkerStopTimeout + TimeSpan.FromSeconds(1));
        (await stuck.WaitAsync(TestServer.Patience)).Dispose();
    }

    [Fact]
    public void AFinishedDecodeStaysChargedUntilAFullGcHasReclaimedItsMemory()
    {
        var budget = new DecodeMemoryBudget(100);
        Assert.True(budget.TryAdmit(70));
        budget.Finish(70);

        // Its garbage still counts (before: released at once, so the next large decode ran beside it)...
        Assert.Equal(70, budget.Used);
        Assert.Equal(70, budget.PendingGarbage);

        // ...until a full GC has run, which an admission that does not fit otherwise runs itself.
        Assert.True(budget.TryAdmit(40));
        Assert.Equal(0, budget.PendingGarbage);
        Assert.Equal(40, budget.Used);
    }

    [Fact]
    public void ADecodeThatCouldNotFitEvenAfterCollectingIsRefused()
    {
        var budget = new DecodeMemoryBudget(100);
        Assert.True(budget.TryAdmit(80)); // still running
        Assert.True(budget.TryAdmit(10));
        budget.Finish(10);

        Assert.False(budget.TryAdmit(50)); // 10 free + 10 garbage < 50
        Assert.InRange(budget.Used, 80, 90);
    }

    private static async Task<ServerResponse> SubmitAsync(RequestExecutor executor, RequestSource source, int answerBytes)
    {
        Assert.True(executor.TrySubmit(
            TestPayload.Of(System.Text.Encoding.UTF8.GetBytes(answerBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            source, out Task<ServerResponse> answer));
        return await answer.WaitAsync(TestServer.Patience);
    }

    private static ServerResponse Answer(int bytes)
    {
        var part = new ArrayPoolBufferWriter<byte>(Math.Max(1, bytes));
        part.GetSpan(bytes)[..bytes].Fill(0x81);
        part.Advance(bytes);
        return ServerResponse.Ok([part]);
    }

    private sealed class Processor(Func<ReadOnlyMemory<byte>, CancellationToken, ServerResponse> process) : IRequestProcessor
    {
        public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken) =>
            process(payload, cancellationToken);
    }
}
