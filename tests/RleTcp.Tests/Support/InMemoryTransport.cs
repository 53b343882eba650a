using System.IO.Pipelines;
using RleTcp.Server.Transport;

namespace RleTcp.Tests.Support;

/// <summary>
/// The second <see cref="IConnectionTransport"/> (Kestrel's InMemory transport): the connection's duplex pipe with the
/// test as the peer, no socket. The peer writes requests to <see cref="PeerOutput"/> and reads answers from
/// <see cref="PeerInput"/>; its reads and writes are bounded by the same pipe thresholds as a socket's.
/// </summary>
internal sealed class InMemoryTransport : IConnectionTransport
{
    private readonly Pipe _toServer;
    private readonly Pipe _toPeer;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _aborted;

    public InMemoryTransport(int inputBufferBytes, int outputBufferBytes)
    {
        _toServer = new Pipe(new PipeOptions(pauseWriterThreshold: inputBufferBytes, resumeWriterThreshold: inputBufferBytes / 2, useSynchronizationContext: false));
        _toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: outputBufferBytes, resumeWriterThreshold: outputBufferBytes / 2, useSynchronizationContext: false));
    }

    /// <inheritdoc/>
    public PipeReader Input => _toServer.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _toPeer.Writer;

    /// <summary>The peer's sending side (what the server reads).</summary>
    public PipeWriter PeerOutput => _toServer.Writer;

    /// <summary>The peer's receiving side (what the server wrote).</summary>
    public PipeReader PeerInput => _toPeer.Reader;

    /// <summary>Whether the server cut the connection (<see cref="Abort"/>) rather than closing it.</summary>
    public bool Aborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Completes when the server has closed or aborted the connection.</summary>
    public Task Closed => _closed.Task;

    /// <inheritdoc/>
    public void Start()
    {
    }

    /// <inheritdoc/>
    public Task CloseAsync(CancellationToken abort)
    {
        // Nothing lingers in memory: what the server wrote stays readable in PeerInput after the close.
        _closed.TrySetResult();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<bool> SendUnbufferedAsync(ReadOnlyMemory<byte> data)
    {
        // No send loop here: the bytes go through the pipe the peer reads, like every other answer byte.
        FlushResult flushed = await _toPeer.Writer.WriteAsync(data).ConfigureAwait(false);
        return !flushed.IsCompleted && !flushed.IsCanceled;
    }

    /// <inheritdoc/>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            // As a closed socket does: the server's reads see the end, its pending flush sees no reader.
            _toServer.Writer.Complete();
            _toPeer.Reader.Complete();
            _closed.TrySetResult();
        }
    }
}
