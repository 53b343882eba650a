using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Server.Execution;
using RleTcp.Server.Transport;

namespace RleTcp.Tests.Support;

/// <summary>
/// One server connection (<see cref="RleTcpConnection"/>, the real protocol code) over an <see cref="InMemoryTransport"/>,
/// with its own executor and a <see cref="ManualClock"/>: the test is the peer and the heartbeat. No socket, no timer,
/// so deadline behaviour is exact. <c>await using var c = InMemoryConnection.Start(o => o.IdleTimeout = ...);</c>
/// </summary>
internal sealed class InMemoryConnection : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly RequestExecutor _executor;
    private readonly Task _running;

    private InMemoryConnection(RleTcpServerOptions options, IRequestProcessor processor)
    {
        Options = options;
        _executor = new RequestExecutor(
            Microsoft.Extensions.Options.Options.Create(options), processor, NullLogger<RequestExecutor>.Instance, StandaloneMetrics.Create());
        var services = new ConnectionServices(
            options, _executor, new BufferedBytesBudget(options.MaxBufferedRequestBytes), StandaloneMetrics.Create(), Clock, NullLogger.Instance);
        Transport = new InMemoryTransport(options.InputBufferBytes, options.OutputBufferBytes);
        Connection = new RleTcpConnection(1, Transport, remote: null, services, _stopping.Token);
        _running = Connection.RunAsync();
    }

    public RleTcpServerOptions Options { get; }

    public ManualClock Clock { get; } = new();

    public InMemoryTransport Transport { get; }

    public RleTcpConnection Connection { get; }

    /// <summary>Starts a connection with test options (1 worker; <paramref name="configure"/> adjusts them) and an echo processor by default.</summary>
    public static InMemoryConnection Start(Action<RleTcpServerOptions>? configure = null, IRequestProcessor? processor = null)
    {
        var options = new RleTcpServerOptions { Workers = 1 };
        configure?.Invoke(options);
        return new InMemoryConnection(options, processor ?? new FrameEchoProcessor());
    }

    /// <summary>Moves the clock on by <paramref name="by"/> and runs one heartbeat round for the connection.</summary>
    public void Tick(TimeSpan by) => Connection.OnHeartbeat(Clock.Advance(by));

    /// <summary>
    /// Keeps the heartbeat going (without moving the clock) until the connection ends, as the real one ticks on; a
    /// round that raced the read loop re-arming its deadline is followed by another.
    /// </summary>
    public async Task<ConnectionEnd> TickUntilEndedAsync()
    {
        await Eventually.TrueAsync(
            () =>
            {
                Tick(TimeSpan.Zero);
                return Connection.Completion.IsCompleted;
            },
            "the connection did not end at its deadline");
        return Connection.End;
    }

    /// <summary>Begins the server's shutdown for this connection (it stops reading and answers what it has).</summary>
    public void Stop() => _stopping.Cancel();

    /// <summary>Sends one frame (header and payload) as the peer.</summary>
    public async Task SendFrameAsync(ReadOnlyMemory<byte> payload)
    {
        await SendRawAsync(FrameClient.Header((ulong)payload.Length));
        await SendRawAsync(payload);
    }

    /// <summary>Sends raw bytes as the peer.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        FlushResult flushed = await Transport.PeerOutput.WriteAsync(bytes).AsTask().WaitAsync(TestServer.Patience);
        Assert.False(flushed.IsCompleted, "The server stopped reading.");
    }

    /// <summary>Half-closes as the peer (the server's read sees the end of input).</summary>
    public Task ShutdownSendAsync() => Transport.PeerOutput.CompleteAsync().AsTask();

    /// <summary>Reads one answer; null when the server ended the connection at a frame boundary.</summary>
    public async Task<Answer?> ReadAnswerOrEndAsync()
    {
        PipeReader input = Transport.PeerInput;
        byte[] head = new byte[FrameHeader.Size];
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(TestServer.Patience);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= FrameHeader.Size)
            {
                buffer.Slice(0, FrameHeader.Size).CopyTo(head);
                long length = (long)BinaryPrimitives.ReadUInt64BigEndian(head);
                if (buffer.Length >= FrameHeader.Size + length)
                {
                    byte[] payload = buffer.Slice(FrameHeader.Size, length).ToArray();
                    input.AdvanceTo(buffer.GetPosition(FrameHeader.Size + length));
                    return new Answer((ResponseStatus)payload[0], payload[1..]);
                }
            }

            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, $"The connection ended inside an answer ({buffer.Length} bytes left).");
                input.AdvanceTo(buffer.End);
                return null;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads one answer; fails when the connection ends instead.</summary>
    public async Task<Answer> ReadAnswerAsync() =>
        await ReadAnswerOrEndAsync() ?? throw new EndOfStreamException("The server closed the connection instead of answering.");

    /// <summary>Waits for the connection to end and returns how.</summary>
    public async Task<ConnectionEnd> EndAsync()
    {
        await Connection.Completion.WaitAsync(TestServer.Patience);
        return Connection.End;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        Connection.Abort();
        await _running.WaitAsync(TestServer.Patience);
        _executor.Dispose();
        _stopping.Dispose();
    }
}
