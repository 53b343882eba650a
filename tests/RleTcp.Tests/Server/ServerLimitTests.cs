using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Server;

/// <summary>
/// Every limit and error row of the protocol's status table: the status, the connection state afterwards, and that
/// a fresh connection is then served.
/// </summary>
public class ServerLimitTests
{
    private static async Task AssertFreshConnectionIsServedAsync(TestServer server)
    {
        await using FrameClient fresh = await server.ConnectAsync();
        await fresh.AssertPingAsync();
        await fresh.SendFrameAsync(ScriptedProcessor.Echo("fresh"));
        Answer answer = await fresh.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(ScriptedProcessor.Echo("fresh"), answer.Body);
    }

    private static void AssertNoServerFault(TestServer server) =>
        Assert.Empty(server.Logs.AtOrAbove(LogLevel.Error));

    [Fact]
    public async Task ADeclaredLengthOfTwoToThe63IsFrameTooLargeAndTheConnectionCloses()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Workload = ServerWorkload.FrameEcho);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync(FrameClient.Header(1UL << 63));

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.FrameTooLarge, answer.Status);
        Assert.Contains("9223372036854775808", answer.Message);
        await client.AssertClosedAsync();
        await AssertFreshConnectionIsServedAsync(server);
        AssertNoServerFault(server);
    }

    [Fact]
    public async Task FrameTooLargeReachesAClientThatKeepsUploadingItsPayload()
    {
        // The server must not reset the connection under the client's feet while unread payload bytes arrive.
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.MaxFrameBytes = 1000;
            o.MaxBufferedRequestBytes = 1000;
        });
        await using FrameClient client = await server.ConnectAsync();

        // The upload is still going (unread by the server) when the answer is sent and the server closes.
        Task uploading = client.SendRawAsync([.. FrameClient.Header(2_000_000), .. new byte[2_000_000]]);
        await Task.Delay(100);
        Answer answer = await client.ReadAnswerAsync();
        try
        {
            await uploading.WaitAsync(TestServer.Patience);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The server may close before taking the whole upload; the answer is what matters.
        }

        Assert.Equal(ResponseStatus.FrameTooLarge, answer.Status);
        await AssertFreshConnectionIsServedAsync(server);
    }

    [Fact]
    public async Task AnswersBeforeAFrameTooLargeAreStillSentInOrder()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.MaxFrameBytes = 1000;
            o.MaxBufferedRequestBytes = 1000;
        });
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Frame([1, 2, 3]), .. FrameClient.Header(0), .. FrameClient.Header(1001)]);

        Assert.Equal(new byte[] { 1, 2, 3 }, (await client.ReadAnswerAsync()).Body);
        Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        Assert.Equal(ResponseStatus.FrameTooLarge, (await client.ReadAnswerAsync()).Status);
        await client.AssertClosedAsync();
    }

    [Fact]
    public async Task AHeaderCutAtThreeBytesByTheClientsCloseGetsNoAnswer()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Workload = ServerWorkload.FrameEcho);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Header(0), 0, 0, 0]);
        client.ShutdownSend();

        await client.AssertPingAsync_AnswerOnly();
        await client.AssertClosedAsync();
        await AssertFreshConnectionIsServedAsync(server);
        AssertNoServerFault(server);
    }

    [Fact]
    public async Task APayloadCutInTheMiddleIsDroppedAndEarlierRequestsAreAnswered()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Workload = ServerWorkload.FrameEcho);
        await using FrameClient client = await server.ConnectAsync();

        byte[] cut = FrameClient.Frame(new byte[5000]);
        await client.SendRawAsync([.. FrameClient.Frame([42]), .. cut.AsSpan(0, 2500)]);
        client.ShutdownSend();

        Assert.Equal(new byte[] { 42 }, (await client.ReadAnswerAsync()).Body);
        await client.AssertClosedAsync();
        await AssertFreshConnectionIsServedAsync(server);
        AssertNoServerFault(server);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public async Task ASenderThatStallsMidFrameGetsTimeoutAndIsDisconnected(int sentBytes)
    {
        // 3 bytes stalls inside the header, 20 inside the payload.
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.FrameTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync(FrameClient.Frame(new byte[100]).AsMemory(0, sentBytes));

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Timeout, answer.Status);
        await client.AssertClosedAsync();
        await AssertFreshConnectionIsServedAsync(server);
    }

    [Fact]
    public async Task AnIdleConnectionIsClosedQuietly()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.IdleTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using FrameClient client = await server.ConnectAsync();

        await client.AssertPingAsync();
        await client.AssertClosedAsync();
        await AssertFreshConnectionIsServedAsync(server);
    }

    [Fact]
    public async Task AConnectionWaitingForSlowAnswersIsNotIdle()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o => o.IdleTimeout = TimeSpan.FromMilliseconds(200), processor);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendFrameAsync(ScriptedProcessor.Hold("slow"));
        await processor.WaitEnteredAsync();
        await Task.Delay(600); // several idle timeouts pass while the answer is being computed
        processor.Release();

        Assert.Equal(ScriptedProcessor.Hold("slow"), (await client.ReadAnswerAsync()).Body);
    }

    [Fact]
    public async Task AConnectionOverTheLimitIsAnsweredBusyAndClosedWhileTheOthersAreServed()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            o.MaxConnections = 2;
        });
        await using FrameClient first = await server.ConnectAsync();
        await using FrameClient second = await server.ConnectAsync();
        await first.AssertPingAsync();
        await second.AssertPingAsync();

        await using (FrameClient third = await server.ConnectAsync())
        {
            Answer refused = await third.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Busy, refused.Status);
            Assert.Contains("2 connections", refused.Message);
            await third.AssertClosedAsync();
        }

        await first.AssertPingAsync();
        await second.AssertPingAsync();

        // Once one leaves, a new connection is served (the count drops when the server sees the close).
        first.ShutdownSend();
        await first.AssertClosedAsync();
        await WaitUntilAsync(() => server.Listener.ConnectionCount < 2);
        await AssertFreshConnectionIsServedAsync(server);
    }

    [Fact]
    public async Task WhenTheQueueIsFullARequestIsAnsweredBusyAndTheConnectionStaysOpen()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.Workers = 1;
                o.QueueCapacity = 1;
            },
            processor);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendFrameAsync(ScriptedProcessor.Hold("running"));
        await processor.WaitEnteredAsync(); // the only worker is busy, the queue empty
        await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Echo("queued")), .. FrameClient.Frame(ScriptedProcessor.Echo("refused"))]);
        await WaitUntilAsync(() => server.Executor.QueuedCount == 1);
        processor.Release();

        Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        Assert.Equal(ScriptedProcessor.Echo("queued"), (await client.ReadAnswerAsync()).Body);
        Answer busy = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Busy, busy.Status);
        Assert.Contains("queue", busy.Message);
        await client.AssertPingAsync();
        AssertNoServerFault(server);
    }

    [Fact]
    public async Task AFrameOverTheRequestBufferBudgetIsAnsweredBusyAndTheConnectionStaysOpen()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.MaxFrameBytes = 1000;
                o.MaxBufferedRequestBytes = 1500;
            },
            processor);
        await using FrameClient holder = await server.ConnectAsync();
        await using FrameClient other = await server.ConnectAsync();

        // 1000 bytes held by a request in progress; 600 more do not fit, 400 do.
        await holder.SendFrameAsync([.. ScriptedProcessor.Hold(), .. new byte[999]]);
        await processor.WaitEnteredAsync();
        await other.SendFrameAsync([.. ScriptedProcessor.Echo(""), .. new byte[599]]);
        Answer busy = await other.ReadAnswerAsync();
        await other.SendFrameAsync([.. ScriptedProcessor.Echo(""), .. new byte[399]]);
        Answer fits = await other.ReadAnswerAsync();
        processor.Release();

        Assert.Equal(ResponseStatus.Busy, busy.Status);
        Assert.Contains("request bytes", busy.Message);
        Assert.Equal(ResponseStatus.Ok, fits.Status);
        Assert.Equal(400, fits.Body.Length);
        Assert.Equal(ResponseStatus.Ok, (await holder.ReadAnswerAsync()).Status);

        // Everything was given back: the whole budget fits again.
        await other.SendFrameAsync([.. ScriptedProcessor.Echo(""), .. new byte[999]]);
        Assert.Equal(ResponseStatus.Ok, (await other.ReadAnswerAsync()).Status);
        await WaitUntilAsync(() => server.Executor is not null && BudgetUsed(server) == 0);
    }

    [Fact]
    public async Task WorkOverTheRequestTimeoutIsAnsweredTimeoutAndTheConnectionStaysOpen()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o => o.RequestTimeout = TimeSpan.FromMilliseconds(200), processor);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.UntilCancelled), .. FrameClient.Frame(ScriptedProcessor.Echo("after"))]);

        Answer timeout = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Timeout, timeout.Status);
        Assert.Equal(ScriptedProcessor.Echo("after"), (await client.ReadAnswerAsync()).Body);
        await client.AssertPingAsync();
    }

    [Fact]
    public async Task AnswersAreSentInOrderEvenWhenALaterRequestFinishesFirst()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(o => o.Workers = 2, processor);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Hold("first")), .. FrameClient.Frame(ScriptedProcessor.Echo("second"))]);
        await processor.WaitEnteredAsync(2); // the second is done while the first is held
        processor.Release();

        Assert.Equal(ScriptedProcessor.Hold("first"), (await client.ReadAnswerAsync()).Body);
        Assert.Equal(ScriptedProcessor.Echo("second"), (await client.ReadAnswerAsync()).Body);
    }

    [Fact]
    public async Task AServerFaultIsAnsweredInternalErrorLoggedAsAnErrorAndTheConnectionStaysOpen()
    {
        await using TestServer server = await TestServer.StartAsync(processor: new ScriptedProcessor());
        await using FrameClient client = await server.ConnectAsync();

        await client.SendFrameAsync(ScriptedProcessor.Throw);

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.InternalError, answer.Status);
        Assert.DoesNotContain("scripted fault", answer.Message); // internals stay in the log
        await client.AssertPingAsync();
        Assert.Contains(server.Logs.AtOrAbove(LogLevel.Error), e => e.Exception?.Message == "scripted fault");
    }

    [Fact]
    public async Task AClientThatResetsMidRequestIsNotAServerFault()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(processor: processor);
        await using (FrameClient client = await server.ConnectAsync())
        {
            await client.SendFrameAsync(ScriptedProcessor.Hold());
            await processor.WaitEnteredAsync();
            client.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with RST
        }

        processor.Release();
        await WaitUntilAsync(() => server.Listener.ConnectionCount == 0);
        await AssertFreshConnectionIsServedAsync(server);
        AssertNoServerFault(server);
    }

    private static long BudgetUsed(TestServer server) =>
        ((RleTcp.Server.Execution.BufferedBytesBudget)server.HostServices.GetService(typeof(RleTcp.Server.Execution.BufferedBytesBudget))!).Used;

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
