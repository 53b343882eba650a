using RleTcp.Protocol.Framing;
using RleTcp.Server.Transport;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server.Transport;

/// <summary>
/// The connection's protocol on the in-memory transport with a hand-moved clock: frames, pipelining and every deadline,
/// exactly and without a socket or a timer.
/// </summary>
[Trait("Category", "Unit")]
public class InMemoryConnectionTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task APingIsAnsweredWithAnEmptyOk()
    {
        await using var c = InMemoryConnection.Start();
        await c.SendRawAsync(FrameClient.Header(0));
        Answer answer = await c.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Empty(answer.Body);
    }

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInRequestOrder()
    {
        await using var c = InMemoryConnection.Start(o => o.Workers = 2);
        for (int i = 0; i < 20; i++)
        {
            await c.SendFrameAsync(new byte[] { (byte)i, 1, 2 });
        }

        for (int i = 0; i < 20; i++)
        {
            Answer answer = await c.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(new byte[] { (byte)i, 1, 2 }, answer.Body);
        }
    }

    [Fact]
    public async Task AHeaderOverTheFrameLimitIsAnsweredFrameTooLargeAndEndsTheConnection()
    {
        await using var c = InMemoryConnection.Start(o => o.MaxFrameBytes = 100);
        await c.SendRawAsync(FrameClient.Header(101));
        Assert.Equal(ResponseStatus.FrameTooLarge, (await c.ReadAnswerAsync()).Status);
        Assert.Null(await c.ReadAnswerOrEndAsync());
        Assert.Equal(ConnectionEnd.FrameTooLarge, await c.EndAsync());
    }

    [Fact]
    public async Task APeerThatHalfClosesGetsItsPendingAnswersThenTheEnd()
    {
        await using var c = InMemoryConnection.Start();
        await c.SendFrameAsync(new byte[] { 7 });
        await c.ShutdownSendAsync();
        Assert.Equal(new byte[] { 7 }, (await c.ReadAnswerAsync()).Body);
        Assert.Null(await c.ReadAnswerOrEndAsync());
        Assert.Equal(ConnectionEnd.PeerClosed, await c.EndAsync());
    }

    [Fact]
    public async Task AFrameNotWholeWithinTheFrameTimeoutIsAnsweredTimeoutAndEndsTheConnection()
    {
        await using var c = InMemoryConnection.Start(o => o.FrameTimeout = TimeSpan.FromSeconds(5));
        await c.SendRawAsync(FrameClient.Header(10));
        await c.SendRawAsync(new byte[3]);
        await Eventually.TrueAsync(() => c.Connection.IsFrameInProgress, "the header was never read");

        c.Tick(TimeSpan.FromSeconds(4.9));
        Assert.False(c.Connection.Completion.IsCompleted);
        c.Tick(TimeSpan.FromSeconds(0.2));

        Assert.Equal(ConnectionEnd.FrameTimeout, await c.TickUntilEndedAsync());
        Assert.Equal(ResponseStatus.Timeout, (await c.ReadAnswerAsync()).Status);
    }

    [Fact]
    public async Task AConnectionWithNothingInProgressIsClosedAtTheIdleTimeoutAndNotBefore()
    {
        await using var c = InMemoryConnection.Start(o => o.IdleTimeout = Idle);
        await c.SendRawAsync(FrameClient.Header(0));
        await c.ReadAnswerAsync();
        await Eventually.TrueAsync(() => c.Connection.PendingAnswers == 0, "the ping's answer was never released");

        c.Tick(Idle - TimeSpan.FromSeconds(1));
        Assert.False(c.Connection.Completion.IsCompleted);
        await c.SendRawAsync(FrameClient.Header(0));
        await c.ReadAnswerAsync();

        // The ping restarted the idle clock: the old deadline passing does not close the connection...
        c.Tick(TimeSpan.FromSeconds(2));
        await c.SendRawAsync(FrameClient.Header(0));
        Assert.Equal(ResponseStatus.Ok, (await c.ReadAnswerAsync()).Status);

        // ...a whole idle timeout after the last read does.
        await Eventually.TrueAsync(() => c.Connection.PendingAnswers == 0, "the ping's answer was never released");
        c.Tick(Idle + TimeSpan.FromSeconds(1));
        Assert.Equal(ConnectionEnd.IdleTimeout, await c.TickUntilEndedAsync());
        Assert.Null(await c.ReadAnswerOrEndAsync());
    }

    [Fact]
    public async Task AConnectionWaitingForASlowAnswerIsNotIdle()
    {
        var processor = new ScriptedProcessor();
        await using var c = InMemoryConnection.Start(o => o.IdleTimeout = Idle, processor);
        await c.SendFrameAsync(ScriptedProcessor.Hold("slow"));
        await processor.WaitEnteredAsync();

        // Several idle timeouts pass while the answer is being computed.
        for (int i = 0; i < 3; i++)
        {
            c.Tick(Idle + TimeSpan.FromSeconds(1));
        }

        Assert.False(c.Connection.Completion.IsCompleted);
        processor.Release();
        Assert.Equal(ScriptedProcessor.Hold("slow"), (await c.ReadAnswerAsync()).Body);
    }

    [Fact]
    public async Task APeerThatTakesNoAnswerBytesForAnIdleTimeoutIsCutAsWriteStalled()
    {
        await using var c = InMemoryConnection.Start(o => { o.IdleTimeout = Idle; o.OutputBufferBytes = 4096; });
        await c.SendFrameAsync(new byte[200_000]);
        await Eventually.TrueAsync(() => c.Connection.IsWaitingForPeer, "the answer never filled the output pipe");

        c.Tick(Idle - TimeSpan.FromSeconds(1));
        Assert.False(c.Connection.Completion.IsCompleted);
        c.Tick(TimeSpan.FromSeconds(2));

        Assert.Equal(ConnectionEnd.WriteStalled, await c.TickUntilEndedAsync());
        Assert.True(c.Transport.Aborted);
    }

    [Fact]
    public async Task AWriteDeadlineThatPassesAfterItsFlushCompletedDoesNotFailTheNextFlush()
    {
        // The bug this pins: a per-connection guard that fired just after a flush had succeeded stayed fired, and the
        // next flush of the healthy connection failed at once ("not reading"). A deadline belongs to one flush only.
        var processor = new ScriptedProcessor();
        await using var c = InMemoryConnection.Start(o => { o.IdleTimeout = Idle; o.OutputBufferBytes = 4096; }, processor);
        byte[] big = ScriptedProcessor.Echo(new string('x', 200_000));
        await c.SendFrameAsync(big);
        await c.SendFrameAsync(ScriptedProcessor.Hold("held"));
        await Eventually.TrueAsync(() => c.Connection.IsWaitingForPeer, "the answer never filled the output pipe");

        // The peer reads just before the deadline; a heartbeat well after every deadline any of those flushes set
        // finds the connection healthy (an answer is still being computed, so it is not idle either).
        c.Clock.Advance(Idle - TimeSpan.FromMilliseconds(1));
        Assert.Equal(big.Length, (await c.ReadAnswerAsync()).Body.Length);
        await Eventually.TrueAsync(() => c.Connection.PendingAnswers == 1, "the first answer was never released");
        c.Tick(3 * Idle);
        Assert.False(c.Connection.Completion.IsCompleted);

        // The next answers flush normally, the large one waiting for the peer again.
        processor.Release();
        Assert.Equal("Hheld", (await c.ReadAnswerAsync()).Message);
        await c.SendFrameAsync(big);
        Assert.Equal(big.Length, (await c.ReadAnswerAsync()).Body.Length);
        await c.SendRawAsync(FrameClient.Header(0));
        Assert.Equal(ResponseStatus.Ok, (await c.ReadAnswerAsync()).Status);
        Assert.False(c.Connection.Completion.IsCompleted);
        Assert.False(c.Transport.Aborted);
    }

    [Fact]
    public async Task ServerStoppingEndsAnIdleConnectionAsServerStopping()
    {
        await using var c = InMemoryConnection.Start();
        await c.SendRawAsync(FrameClient.Header(0));
        await c.ReadAnswerAsync();
        c.Stop();
        Assert.Null(await c.ReadAnswerOrEndAsync());
        Assert.Equal(ConnectionEnd.ServerStopping, await c.EndAsync());
    }
}
