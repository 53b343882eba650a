using System.IO.Pipelines;

namespace RleTcp.Server.Transport;

/// <summary>
/// What every transport shares: the two bounded pipes (the receive loop stops reading when <see cref="Input"/> holds
/// the pause threshold, writers to <see cref="Output"/> wait when it does, each resuming at half), starting both loops,
/// the lingering close, and an abort that happens once. Subclasses move the bytes (<see cref="SocketPipe"/>,
/// <see cref="StreamPipe"/>).
/// </summary>
internal abstract class PipeTransport : IConnectionTransport
{
    // Unread input left in the kernel when a socket is closed makes it send a reset, which can destroy the answer
    // the peer has not read yet (a FrameTooLarge sent while the client is still uploading). So after the last
    // answer the input is read and dropped for up to this long before the socket is closed ("lingering close").
    protected static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The smallest receive buffer asked of the input pipe, and its segment size.</summary>
    protected const int MinimumReceive = 4096;

    private readonly Pipe _input;
    private readonly Pipe _output;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _disposed;

    protected PipeTransport(int inputBufferBytes, int outputBufferBytes)
    {
        _input = new Pipe(Options(inputBufferBytes));
        _output = new Pipe(Options(outputBufferBytes));
    }

    /// <inheritdoc/>
    public PipeReader Input => _input.Reader;

    /// <inheritdoc/>
    public PipeWriter Output => _output.Writer;

    /// <summary>The receive loop's end of the input pipe.</summary>
    protected PipeWriter InputWriter => _input.Writer;

    /// <summary>The send loop's end of the output pipe.</summary>
    protected PipeReader OutputReader => _output.Reader;

    /// <summary>Whether <see cref="Abort"/> has closed the connection (an error after it is ours, not the peer's).</summary>
    protected bool Disposed => Volatile.Read(ref _disposed) != 0;

    /// <inheritdoc/>
    public void Start()
    {
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    /// <inheritdoc/>
    public async Task CloseAsync(CancellationToken abort)
    {
        try
        {
            await _sending.WaitAsync(abort).ConfigureAwait(false);
            await _receiving.WaitAsync(LingerTimeout, abort).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Cut short: closed below regardless.
        }
        finally
        {
            Abort();
        }

        await Task.WhenAll(_sending, _receiving).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Close();
        }
    }

    /// <summary>Fills <see cref="InputWriter"/> until the peer's end, and completes it (with the error, if any).</summary>
    protected abstract Task ReceiveLoopAsync();

    /// <summary>Drains <see cref="OutputReader"/> to the peer until it completes, then ends the sending side.</summary>
    protected abstract Task SendLoopAsync();

    /// <summary>Releases the socket (and stream); both loops then end.</summary>
    protected abstract void Close();

    private static PipeOptions Options(int pauseBytes) => new(
        pauseWriterThreshold: pauseBytes,
        resumeWriterThreshold: pauseBytes / 2,
        minimumSegmentSize: MinimumReceive,
        useSynchronizationContext: false);
}
