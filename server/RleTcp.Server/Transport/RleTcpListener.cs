using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Execution;
using RleTcp.Server.Hosting;

namespace RleTcp.Server.Transport;

/// <summary>
/// The hosted service that listens, accepts and runs connections, caps their number, and shuts down gracefully:
/// stop accepting, stop reading new requests, answer every accepted one within the drain timeout, then close.
/// </summary>
public sealed partial class RleTcpListener : IHostedService, IDisposable
{
    // Refusals are answered Busy, which costs a short linger each; past this many at once, extra ones are just closed.
    private const int MaxConcurrentRefusals = 64;

    private readonly RleTcpServerOptions _options;
    private readonly RequestExecutor _executor;
    private readonly BufferedBytesBudget _budget;
    private readonly ILogger<RleTcpListener> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<long, RleTcpConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private TlsAuthenticator? _tls;
    private Socket? _listenSocket;
    private Task _accepting = Task.CompletedTask;
    private long _nextId;
    private int _open;
    private int _refusing;

    /// <summary>Creates the listener; nothing is bound until the host starts it.</summary>
    public RleTcpListener(
        IOptions<RleTcpServerOptions> options,
        RequestExecutor executor,
        BufferedBytesBudget budget,
        ILoggerFactory loggers)
    {
        _options = options.Value;
        _executor = executor;
        _budget = budget;
        _logger = loggers.CreateLogger<RleTcpListener>();
        _loggers = loggers;
    }

    /// <summary>The bound endpoint (with the real port when configured with 0); valid once the host has started.</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_listenSocket?.LocalEndPoint ?? throw new InvalidOperationException("The listener has not started.");

    /// <summary>Open connections now.</summary>
    public int ConnectionCount => Volatile.Read(ref _open);

    /// <summary>The most answers any open connection has pending now (for tests of the per-connection bound).</summary>
    internal int MaxPendingAnswers => _connections.Values.Select(c => c.PendingAnswers).DefaultIfEmpty(0).Max();

    /// <summary>Whether shutdown has begun (no new connections are accepted).</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        RleTcpServerOptionsValidator.TryParseBind(_options.Bind, out IPAddress address);
        _tls = _options.Tls.Enabled ? new TlsAuthenticator(_options.Tls) : null;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, _options.Port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listenSocket = socket;
        LogStarted(
            LocalEndPoint, _executor.Workers, _options.QueueCapacity, _options.MaxFrameBytes, _options.MaxPixels,
            _options.MaxBufferedRequestBytes, _options.MaxConnections, _options.FrameTimeout, _options.IdleTimeout,
            _options.RequestTimeout, _options.Workload);
        if (_tls is not null)
        {
            LogTls(_tls.Subject, _options.Tls.RequireClientCertificate);
        }
        else if (!IPAddress.IsLoopback(address))
        {
            LogNotLoopback(LocalEndPoint);
        }

        _accepting = AcceptLoopAsync(socket);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listenSocket is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        // Stop accepting; every connection stops reading new requests and answers those it has.
        _stopping.Cancel();
        _listenSocket.Dispose();
        await _accepting.ConfigureAwait(false);

        Task[] open = _connections.Values.Select(c => c.Completion).ToArray();
        LogDraining(open.Length, _options.DrainTimeout);
        Task all = Task.WhenAll(open);
        bool drained = false;
        try
        {
            await all.WaitAsync(_options.DrainTimeout, cancellationToken).ConfigureAwait(false);
            drained = true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
        }

        int cut = 0;
        if (!drained)
        {
            foreach (RleTcpConnection connection in _connections.Values)
            {
                cut++;
                connection.Abort();
            }

            await all.ConfigureAwait(false);
        }

        LogStopped(open.Length, cut);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _listenSocket?.Dispose();
        _tls?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listenSocket)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listenSocket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Out of descriptors or buffers: back off and keep serving the connections we have (Garnet's tiers).
                LogAcceptBackoff(e.SocketErrorCode);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }
            catch (SocketException e)
            {
                // A connection reset before we accepted it, and the like: transient.
                LogAcceptFailed(e.SocketErrorCode);
                continue;
            }
            catch (Exception e)
            {
                LogAcceptFault(e);
                return;
            }

            socket.NoDelay = true;
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                if (_tls is null)
                {
                    _ = RefuseAsync(socket);
                }
                else
                {
                    // A Busy frame would need a TLS handshake first: under a flood, closing costs less.
                    LogRefused(socket.RemoteEndPoint, _options.MaxConnections);
                    socket.Dispose();
                }

                continue;
            }

            _ = RunConnectionAsync(socket);
        }
    }

    private async Task RunConnectionAsync(Socket socket)
    {
        long id = Interlocked.Increment(ref _nextId);
        EndPoint? remote = socket.RemoteEndPoint;
        try
        {
            IConnectionTransport transport;
            if (_tls is null)
            {
                transport = new SocketPipe(socket, _options.InputBufferBytes, _options.OutputBufferBytes);
            }
            else
            {
                // Off the accept loop: a handshake must not delay the next accept.
                await Task.Yield();
                if (await HandshakeAsync(socket, remote).ConfigureAwait(false) is not { } tls)
                {
                    return;
                }

                transport = tls;
            }

            // Registered before it runs, so a shutdown that starts now waits for it (it reads nothing once stopping).
            var connection = new RleTcpConnection(
                id, transport, remote, _options, _executor, _budget, _loggers.CreateLogger<RleTcpConnection>(), _stopping.Token);
            _connections[id] = connection;

            // Off the accept loop: the connection's first steps must not delay the next accept.
            await Task.Yield();
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            Interlocked.Decrement(ref _open);
        }
    }

    // The TLS transport once the handshake succeeded; null (socket closed) when it failed: plaintext on a TLS port,
    // an untrusted or missing client certificate, a handshake slower than its timeout, or shutdown.
    private async Task<IConnectionTransport?> HandshakeAsync(Socket socket, EndPoint? remote)
    {
        try
        {
            System.Net.Security.SslStream stream = await _tls!.AuthenticateAsync(socket, _stopping.Token).ConfigureAwait(false);
            return new StreamPipe(stream, socket, _options.InputBufferBytes, _options.OutputBufferBytes);
        }
        catch (Exception e)
        {
            LogHandshakeFailed(remote, e.GetBaseException().Message);
            socket.Dispose();
            return null;
        }
    }

    // Over the connection limit: answer Busy (so the client knows retrying later is safe) and close.
    private async Task RefuseAsync(Socket socket)
    {
        bool answer = Interlocked.Increment(ref _refusing) <= MaxConcurrentRefusals;
        try
        {
            LogRefused(socket.RemoteEndPoint, _options.MaxConnections);
            if (!answer)
            {
                return;
            }

            var pipe = new SocketPipe(socket, inputBufferBytes: 4096, outputBufferBytes: 4096);
            pipe.Start();
            await pipe.Input.CompleteAsync().ConfigureAwait(false);
            using (ServerResponse busy = ServerResponse.Error(
                ResponseStatus.Busy, $"The server is at its limit of {_options.MaxConnections} connections; retry later."))
            {
                busy.WriteHead(pipe.Output);
                pipe.Output.Write(busy.GetBodySegment(0).Span);
            }

            await pipe.Output.CompleteAsync().ConfigureAwait(false);
            await pipe.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogRefusalFailed(e);
        }
        finally
        {
            Interlocked.Decrement(ref _refusing);
            socket.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "RleTcp listening on {EndPoint}: {Workers} workers, queue {QueueCapacity}, max frame {MaxFrameBytes} B, " +
                  "max pixels {MaxPixels}, request buffer budget {MaxBufferedRequestBytes} B, max connections {MaxConnections}, " +
                  "timeouts frame {FrameTimeout} idle {IdleTimeout} request {RequestTimeout}, workload {Workload}")]
    private partial void LogStarted(
        IPEndPoint endPoint, int workers, int queueCapacity, long maxFrameBytes, long maxPixels, long maxBufferedRequestBytes,
        int maxConnections, TimeSpan frameTimeout, TimeSpan idleTimeout, TimeSpan requestTimeout, ServerWorkload workload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on {EndPoint}, beyond loopback, without TLS: anyone who can reach it can use it and read its traffic")]
    private partial void LogNotLoopback(IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS on: certificate {Subject}, client certificate required {RequireClientCertificate}")]
    private partial void LogTls(string subject, bool requireClientCertificate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TLS handshake with {Remote} failed: {Reason}")]
    private partial void LogHandshakeFailed(EndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopping: draining {Connections} connections for up to {DrainTimeout}")]
    private partial void LogDraining(int connections, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "RleTcp stopped: {Connections} connections drained, {Cut} cut at the drain timeout")]
    private partial void LogStopped(int connections, int cut);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed ({Error}); backing off")]
    private partial void LogAcceptBackoff(SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Accept failed ({Error}); continuing")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The accept loop failed; no new connections will be accepted")]
    private partial void LogAcceptFault(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a connection from {Remote}: at the limit of {MaxConnections}")]
    private partial void LogRefused(EndPoint? remote, int maxConnections);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refusing a connection failed")]
    private partial void LogRefusalFailed(Exception exception);
}
