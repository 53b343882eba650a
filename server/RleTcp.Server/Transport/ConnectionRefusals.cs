using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// Connections over the cap: each one gets one Busy frame and is closed, at a bounded cost. The frame (a few dozen
/// bytes, encoded once) goes out in one non-blocking send at accept, which a fresh socket's empty send buffer always
/// takes, then the send side is shut down. Then the refusal lingers, reading and dropping what the client sent,
/// until the client closes or <see cref="LingerTimeout"/> passes: closing over unread input would send a reset that
/// can destroy the Busy frame before the client reads it. At most <see cref="MaxLingering"/> refusals linger at
/// once; past that a refusal is closed right after its frame, which then usually still arrives (only a client that
/// already sent a request may see a reset instead). Every refusal is tracked, and <see cref="StopAsync"/> ends and
/// awaits them all.
/// </summary>
internal sealed partial class ConnectionRefusals
{
    /// <summary>Refusals lingering at once, at most: each holds a socket and one pending receive, no buffer of its own.</summary>
    internal const int MaxLingering = 4096;

    /// <summary>How long a refusal waits for the client to close before closing anyway.</summary>
    internal static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    // Received bytes are dropped: every lingering refusal may receive into the same scratch buffer.
    private static readonly byte[] Scratch = new byte[4096];

    private readonly byte[] _busyFrame;
    private readonly RleTcpMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _maxConnections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _lingering = new();
    private long _next;

    public ConnectionRefusals(int maxConnections, RleTcpMetrics metrics, ILogger logger)
    {
        _maxConnections = maxConnections;
        _metrics = metrics;
        _logger = logger;
        using ServerResponse busy = ServerResponse.Error(
            ResponseStatus.Busy, $"The server is at its limit of {maxConnections} connections; retry later.");
        var writer = new ArrayBufferWriter<byte>();
        busy.WriteHead(writer);
        writer.Write(busy.GetBodySegment(0).Span);
        _busyFrame = writer.WrittenSpan.ToArray();
    }

    /// <summary>Refusals still lingering.</summary>
    public int Lingering => _lingering.Count;

    /// <summary>Answers <paramref name="socket"/> Busy and closes it (at once, or after a bounded linger); takes ownership.</summary>
    public void Refuse(Socket socket)
    {
        LogRefused(socket.RemoteEndPoint, _maxConnections);
        _metrics.Busy(RleTcpMetrics.BusyReason.ConnectionLimit);
        try
        {
            socket.Blocking = false;
            socket.Send(_busyFrame, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success)
            {
                // The client is already gone: nothing to linger for.
                socket.Dispose();
                return;
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            LogRefusalFailed(e);
            socket.Dispose();
            return;
        }

        if (_stopping.IsCancellationRequested || _lingering.Count >= MaxLingering)
        {
            socket.Dispose();
            return;
        }

        long id = Interlocked.Increment(ref _next);
        Task linger = LingerAsync(socket, id);
        if (!linger.IsCompleted)
        {
            _lingering[id] = linger;

            // The linger may have finished between the check and the add: its own removal then found nothing.
            if (linger.IsCompleted)
            {
                _lingering.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Ends every lingering refusal and waits for them (their Busy frames are already sent).</summary>
    public async Task StopAsync()
    {
        _stopping.Cancel();
        await Task.WhenAll(_lingering.Values).ConfigureAwait(false);
    }

    private async Task LingerAsync(Socket socket, long id)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(LingerTimeout);
            while (await socket.ReceiveAsync(Scratch, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Timed out, stopping, or the client reset: closed below either way.
        }
        finally
        {
            socket.Dispose();
            _lingering.TryRemove(id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a connection from {Remote}: at the limit of {MaxConnections}")]
    private partial void LogRefused(System.Net.EndPoint? remote, int maxConnections);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refusing a connection failed")]
    private partial void LogRefusalFailed(Exception exception);
}
