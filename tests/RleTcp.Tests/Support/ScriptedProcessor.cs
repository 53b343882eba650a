using System.Collections.Concurrent;
using RleTcp.Server.Execution;

namespace RleTcp.Tests.Support;

/// <summary>
/// A request processor for transport and executor tests, steered by the payload's first byte:
/// 'E' echo the payload; 'H' hold until <see cref="Release"/>, then echo; 'X' throw (a server fault);
/// 'C' hold until the request's own cancellation (its processing timeout), ignoring <see cref="Release"/>;
/// 'S' work <see cref="StubbornMilliseconds"/> without looking at the cancellation (a decoder between its checks), then echo.
/// It records the thread each request ran on.
/// </summary>
public sealed class ScriptedProcessor : IRequestProcessor
{
    private readonly ManualResetEventSlim _released = new(false);
    private readonly SemaphoreSlim _entered = new(0);

    /// <summary>Names of the threads that ran requests.</summary>
    public ConcurrentBag<string?> Threads { get; } = [];

    /// <summary>The payloads processed, as UTF-8 text.</summary>
    public ConcurrentBag<string> Payloads { get; } = [];

    public static byte[] Echo(string text) => [(byte)'E', .. System.Text.Encoding.UTF8.GetBytes(text)];

    public static byte[] Hold(string text = "") => [(byte)'H', .. System.Text.Encoding.UTF8.GetBytes(text)];

    public static readonly byte[] Throw = [(byte)'X'];

    public static readonly byte[] UntilCancelled = [(byte)'C'];

    /// <summary>How long an 'S' request works before it echoes, whatever its deadline.</summary>
    public const int StubbornMilliseconds = 150;

    public static byte[] Stubborn(string text = "") => [(byte)'S', .. System.Text.Encoding.UTF8.GetBytes(text)];

    /// <summary>Lets every held request (now and later) finish.</summary>
    public void Release() => _released.Set();

    /// <summary>Waits until <paramref name="count"/> more requests have started processing.</summary>
    public async Task WaitEnteredAsync(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(await _entered.WaitAsync(TestServer.Patience), "A request never reached the processor.");
        }
    }

    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        Threads.Add(Thread.CurrentThread.Name);
        Payloads.Add(System.Text.Encoding.UTF8.GetString(payload.Span));
        _entered.Release();
        switch (payload.Span[0])
        {
            case (byte)'H':
                Assert.True(_released.Wait(TestServer.Patience), "A held request was never released.");
                break;
            case (byte)'X':
                throw new InvalidOperationException("scripted fault");
            case (byte)'S':
                Thread.Sleep(StubbornMilliseconds);
                break;
            case (byte)'C':
                cancellationToken.WaitHandle.WaitOne(TestServer.Patience);
                cancellationToken.ThrowIfCancellationRequested();
                break;
        }

        return new FrameEchoProcessor().Process(payload, bands, cancellationToken);
    }
}
