using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace RleTcp.Client;

/// <summary>
/// One TCP connection to an RleTcp server (protocol v1, docs/PROTOCOL.md). Safe for concurrent use: requests from
/// any number of callers are pipelined on the connection by a single send loop, and one receive loop hands the
/// answers back in order. When the connection dies, every pending request fails with a
/// <see cref="RleTcpConnectionException"/>; make a new client (or use <see cref="RleTcpClientPool"/>) afterwards.
/// </summary>
public sealed partial class RleTcpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RleTcpClientOptions _options;
    private readonly Channel<PendingRequest> _outbox =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });

    // Requests already written, oldest first; the answers arrive in this order. Guarded by itself, together
    // with _failure, so that no request can join the queue after the connection has been declared dead.
    private readonly Queue<PendingRequest> _awaitingAnswer = new();
    private readonly Task _sendLoop;
    private readonly Task _receiveLoop;
    private readonly Timer? _watchdog;
    private RleTcpConnectionException? _failure;
    private int _awaitingCount;
    private int _queuedCount;
    private int _disposed;

    private RleTcpClient(Socket socket, Stream? tls, string remote, RleTcpClientOptions options)
    {
        _socket = socket;
        _options = options;
        Remote = remote;
        _stream = tls ?? new NetworkStream(socket, ownsSocket: false);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        if (options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            // Created before the loops start, so a connection that fails at once still disposes it.
            TimeSpan period = TimeSpan.FromTicks(Math.Clamp(options.RequestTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
            _watchdog = new Timer(static state => ((RleTcpClient)state!).CheckOldestRequest(), this, period, period);
        }

        _sendLoop = Task.Run(SendLoopAsync);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The server this client talks to, as <c>host:port</c>.</summary>
    public string Remote { get; }

    /// <summary>The local end of the connection.</summary>
    public EndPoint? LocalEndPoint => _failure is null ? _socket.LocalEndPoint : null;

    /// <summary>False once the connection failed, the server closed it, or the client was disposed.</summary>
    public bool IsConnected => Volatile.Read(ref _failure) is null && Volatile.Read(ref _disposed) == 0;

    /// <summary>Requests sent or queued whose answers have not arrived yet.</summary>
    public int PendingCount => Volatile.Read(ref _queuedCount) + Volatile.Read(ref _awaitingCount);

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> (a name or an IP address).</summary>
    /// <exception cref="RleTcpConnectionException">Refused, unreachable, unresolvable, or over <see cref="RleTcpClientOptions.ConnectTimeout"/>.</exception>
    public static Task<RleTcpClient> ConnectAsync(string host, int port, RleTcpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        EndPoint target = IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        return ConnectAsync(target, host, FormatRemote(host, port), options, cancellationToken);
    }

    /// <summary>Connects to <paramref name="endPoint"/>.</summary>
    /// <exception cref="RleTcpConnectionException">Refused, unreachable, or over <see cref="RleTcpClientOptions.ConnectTimeout"/>.</exception>
    public static Task<RleTcpClient> ConnectAsync(IPEndPoint endPoint, RleTcpClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return ConnectAsync(endPoint, endPoint.Address.ToString(), endPoint.ToString(), options, cancellationToken);
    }

    private static async Task<RleTcpClient> ConnectAsync(EndPoint target, string host, string remote, RleTcpClientOptions? options, CancellationToken cancellationToken)
    {
        options ??= RleTcpClientOptions.Default;
        options.Validate();
        Socket socket = await TcpConnector.ConnectAsync(target, remote, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);

        if (options.Tls is null)
        {
            return new RleTcpClient(socket, tls: null, remote, options);
        }

        try
        {
            var tls = await TlsClientHandshake.AuthenticateAsync(socket, host, remote, options.Tls, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            return new RleTcpClient(socket, tls, remote, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one raw request payload (empty = ping) and returns the answer whatever its status. The payload must not
    /// change until the task completes. Cancelling a request that is already on the wire only stops the wait; its
    /// answer is still read and dropped, so the connection stays in step.
    /// </summary>
    /// <exception cref="ArgumentException">The payload is over <see cref="RleTcpClientOptions.MaxRequestBytes"/>.</exception>
    /// <exception cref="RleTcpConnectionException">The connection is dead or died before the answer came.</exception>
    public Task<RleTcpResponse> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > _options.MaxRequestBytes)
        {
            throw new ArgumentException(
                $"The request is {payload.Length} bytes; this client sends at most {_options.MaxRequestBytes} (MaxRequestBytes).");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<RleTcpResponse>(cancellationToken);
        }

        var request = new PendingRequest(payload);
        Interlocked.Increment(ref _queuedCount);
        if (Volatile.Read(ref _disposed) != 0 || !_outbox.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _queuedCount);
            return Task.FromException<RleTcpResponse>(FailureForNewRequest());
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(request, cancellationToken) : request.Task;
    }

    /// <summary>Sends a ping (an empty frame) and returns the round-trip time.</summary>
    /// <exception cref="RleTcpException">The server answered with an error status.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        RleTcpResponse response = await SendAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        response.EnsureOk();
        if (response.Body.Length != 0)
        {
            throw new InvalidDataException($"The server answered a ping with a {response.Body.Length}-byte body; a ping's answer is empty.");
        }

        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Compresses one encoded image (PNG, BMP, GIF, TIFF, PBM, …) on the server.</summary>
    /// <exception cref="RleTcpException">The server refused the image (status and message inside).</exception>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RleTcpResponse response = await SendAsync(RleCompressionResult.CheckImage(image), cancellationToken).ConfigureAwait(false);
        return RleCompressionResult.FromResponse(response);
    }

    /// <summary>Reads <paramref name="image"/> to its end (at most <see cref="RleTcpClientOptions.MaxRequestBytes"/>) and compresses it.</summary>
    public async Task<RleCompressionResult> CompressAsync(Stream image, CancellationToken cancellationToken = default)
    {
        byte[] data = await BoundedStreamReader.ReadToEndAsync(image, _options.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        return await CompressAsync(data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compresses the image file at <paramref name="path"/>.</summary>
    public async Task<RleCompressionResult> CompressFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await CompressAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes cleanly: no new requests are taken, queued ones are still written, then the sending side is shut
    /// down (the server's cue to answer everything pending and close), the answers are drained for at most
    /// <see cref="RleTcpClientOptions.DrainTimeout"/>, and the socket is closed. Requests still unanswered then fail.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _receiveLoop.ConfigureAwait(false);
            return;
        }

        _outbox.Writer.TryComplete();
        await Task.WhenAny(DrainAsync(), Task.Delay(_options.DrainTimeout)).ConfigureAwait(false);
        Fail(new RleTcpConnectionException(RleTcpConnectionError.Disposed, $"The client for {Remote} was disposed before the answer arrived."));
        await _sendLoop.ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    // Write what is queued, half-close, then read answers until the server closes. Bounded by the caller: a
    // server that stops reading would otherwise hold the send loop (and this) forever.
    private async Task DrainAsync()
    {
        await _sendLoop.ConfigureAwait(false);
        if (Volatile.Read(ref _failure) is not null)
        {
            return;
        }

        try
        {
            if (_stream is System.Net.Security.SslStream tls)
            {
                await tls.ShutdownAsync().ConfigureAwait(false); // close_notify before the FIN
            }

            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            return; // already gone: the receive loop sees it and fails whatever is pending
        }

        await _receiveLoop.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"RleTcpClient {Remote} ({(IsConnected ? $"{PendingCount} pending" : "closed")})";

    private static async Task<RleTcpResponse> WaitAsync(PendingRequest request, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Cancel(token), request))
        {
            return await request.Task.ConfigureAwait(false);
        }
    }

    private static string FormatRemote(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
