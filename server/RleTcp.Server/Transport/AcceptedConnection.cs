using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace RleTcp.Server.Transport;

/// <summary>
/// One accepted socket from accept to close: its TLS handshake (when TLS is on), then its <see cref="RleTcpConnection"/>.
/// It is registered at accept, before the handshake starts, so a shutdown that begins at any point waits for it, can
/// abort it, and never releases what it uses underneath it.
/// </summary>
internal sealed partial class AcceptedConnection
{
    private readonly Socket _socket;
    private readonly EndPoint? _remote;
    private readonly ConnectionServices _services;
    private readonly TlsAuthenticator? _tls;
    private readonly CancellationToken _stopping;
    private readonly ConnectionRegistry _registry;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RleTcpConnection? _connection;
    private bool _aborted;

    public AcceptedConnection(
        long id, Socket socket, ConnectionServices services, TlsAuthenticator? tls, ConnectionRegistry registry, CancellationToken stopping)
    {
        _registry = registry;
        Id = id;
        _socket = socket;
        _remote = socket.RemoteEndPoint;
        _services = services;
        _tls = tls;
        _stopping = stopping;
        _logger = services.Logger;
    }

    /// <summary>The connection's number (the registry's key and the logs' <c>Id</c>).</summary>
    public long Id { get; }

    /// <summary>Completes when the socket is closed and the connection, if it started, has released everything.</summary>
    public Task Completion => _completed.Task;

    /// <summary>The connection's answers pending (0 while it is still in its handshake).</summary>
    public int PendingAnswers => Volatile.Read(ref _connection)?.PendingAnswers ?? 0;

    /// <summary>Hands the heartbeat's timestamp to the running connection (a handshake has its own timeout).</summary>
    public void OnHeartbeat(long now) => Volatile.Read(ref _connection)?.OnHeartbeat(now);

    /// <summary>Cuts the connection at once: the handshake fails, or the running connection is aborted.</summary>
    public void Abort()
    {
        RleTcpConnection? running;
        lock (_gate)
        {
            _aborted = true;
            running = _connection;
        }

        if (running is null)
        {
            _socket.Dispose();
        }
        else
        {
            running.Abort();
        }
    }

    /// <summary>Handshakes (with TLS), runs the connection to its end, and completes <see cref="Completion"/>; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            // Off the accept loop: neither a handshake nor the connection's first steps may delay the next accept.
            await Task.Yield();
            IConnectionTransport? transport = _tls is null
                ? new SocketPipe(_socket, _services.Options.InputBufferBytes, _services.Options.OutputBufferBytes)
                : await HandshakeAsync().ConfigureAwait(false);
            if (transport is null)
            {
                return;
            }

            var connection = new RleTcpConnection(Id, transport, _remote, _services, _stopping);
            lock (_gate)
            {
                if (!_aborted)
                {
                    _connection = connection;
                }
            }

            if (Volatile.Read(ref _connection) is null)
            {
                // Aborted while handshaking (shutdown past the drain timeout): the stream is closed, never run.
                transport.Abort();
                return;
            }

            // A handshake that finished after shutdown began runs too: its connection sees the stopping token at once,
            // reads nothing and closes as ServerStopping, and the drain waits for it.
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFault(e, Id);
            _socket.Dispose();
        }
        finally
        {
            _registry.Remove(this);
            _services.Metrics.ConnectionsChanged(-1, _services.Listener);
            _completed.TrySetResult();
        }
    }

    // The TLS transport once the handshake succeeded; null (socket closed) when it failed: plaintext on a TLS port,
    // an untrusted or missing client certificate, a handshake slower than its timeout, shutdown, or Abort.
    private async Task<IConnectionTransport?> HandshakeAsync()
    {
        try
        {
            SslStream stream = await _tls!.AuthenticateAsync(_socket, _stopping).ConfigureAwait(false);
            return new StreamPipe(stream, _socket, _services.Options.InputBufferBytes, _services.Options.OutputBufferBytes);
        }
        catch (Exception e)
        {
            LogHandshakeFailed(_remote, e.GetBaseException().Message);
            _socket.Dispose();
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TLS handshake with {Remote} failed: {Reason}")]
    private partial void LogHandshakeFailed(EndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Id} failed before it started")]
    private partial void LogFault(Exception exception, long id);
}
