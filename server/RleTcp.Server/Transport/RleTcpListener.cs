using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// The hosted service that listens, accepts and hands connections on, and shuts down gracefully: stop accepting, stop
/// reading new requests, answer every accepted one within the drain timeout, then close.
/// </summary>
/// <remarks>
/// Its parts, one job each: <see cref="ConnectionRegistry"/> (open connections and the cap),
/// <see cref="AcceptedConnection"/> (one socket: TLS handshake, then <see cref="RleTcpConnection"/>),
/// <see cref="ConnectionRefusals"/> (the Busy answer over the cap), <see cref="ConnectionHeartbeat"/> (the one timer
/// behind every connection's deadlines). With <see cref="RleTcpServerOptions.TextbookPort"/> set it also listens on the
/// textbook port; both ports share the registry (one connection cap), the executor, the budget, the heartbeat and the
/// drain, and only the wire differs (<see cref="ListenerKind"/>).
/// </remarks>
public sealed partial class RleTcpListener : IHostedService, IDisposable
{
    private readonly RleTcpServerOptions _options;
    private readonly RequestExecutor _executor;
    private readonly RleTcpMetrics _metrics;
    private readonly ILogger<RleTcpListener> _logger;
    private readonly ConnectionServices _services;
    private readonly ConnectionServices _textbookServices;
    private readonly ConnectionRegistry _registry;
    private readonly ConnectionRefusals _refusals;
    private readonly CancellationTokenSource _stopping = new();
    private TlsAuthenticator? _tls;
    private ConnectionHeartbeat? _heartbeat;
    private Socket? _listenSocket;
    private Socket? _textbookSocket;
    private Task _accepting = Task.CompletedTask;
    private Task _textbookAccepting = Task.CompletedTask;
    private long _nextId;

    /// <summary>Creates the listener; nothing is bound until the host starts it.</summary>
    public RleTcpListener(
        IOptions<RleTcpServerOptions> options,
        RequestExecutor executor,
        BufferedBytesBudget budget,
        RleTcpMetrics metrics,
        ILoggerFactory loggers,
        TimeProvider? time = null)
    {
        _options = options.Value;
        _executor = executor;
        _metrics = metrics;
        _logger = loggers.CreateLogger<RleTcpListener>();
        _services = new ConnectionServices(
            _options, executor, budget, metrics, time ?? TimeProvider.System, loggers.CreateLogger<RleTcpConnection>());
        _textbookServices = _services with { Listener = ListenerKind.Textbook };
        _registry = new ConnectionRegistry(_options.MaxConnections);
        _refusals = new ConnectionRefusals(_options.MaxConnections, metrics, _logger);
    }

    /// <summary>The bound endpoint (with the real port when configured with 0); valid once the host has started.</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_listenSocket?.LocalEndPoint ?? throw new InvalidOperationException("The listener has not started.");

    /// <summary>
    /// The textbook listener's bound endpoint (with the real port when configured with 0), or null when
    /// <see cref="RleTcpServerOptions.TextbookPort"/> is not set; valid once the host has started.
    /// </summary>
    public IPEndPoint? TextbookEndPoint => (IPEndPoint?)_textbookSocket?.LocalEndPoint;

    /// <summary>Open connections now (counted from accept, so those still in a TLS handshake too).</summary>
    public int ConnectionCount => _registry.Count;

    /// <summary>The most answers any open connection has pending now (for tests of the per-connection bound).</summary>
    internal int MaxPendingAnswers => _registry.MaxPendingAnswers;

    /// <summary>Refusals over the cap still lingering for their client to close (for tests of the shutdown).</summary>
    internal int LingeringRefusals => _refusals.Lingering;

    /// <summary>Whether shutdown has begun (no new connections are accepted).</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        BindAddress.TryParse(_options.Bind, out IPAddress address);
        _tls = _options.Tls.Enabled ? new TlsAuthenticator(_options.Tls) : null;
        Socket socket = Listen(address, _options.Port);
        if (_options.TextbookPort is int textbookPort)
        {
            try
            {
                _textbookSocket = Listen(address, textbookPort);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
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

        _heartbeat = new ConnectionHeartbeat(
            _services.Time, ConnectionHeartbeat.IntervalFor(_options.FrameTimeout, _options.IdleTimeout), _registry.OnHeartbeat);
        _accepting = AcceptLoopAsync(socket, _services, _tls);
        if (_textbookSocket is not null)
        {
            LogTextbookStarted(TextbookEndPoint!);
            _textbookAccepting = AcceptLoopAsync(_textbookSocket, _textbookServices, tls: null);
        }

        return Task.CompletedTask;
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listenSocket is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        // Stop accepting; every connection stops reading new requests and answers those it has. Every accepted socket
        // was registered by the accept loop itself, so once it has ended the snapshot below holds them all, those
        // still in their TLS handshake included.
        _stopping.Cancel();
        _listenSocket.Dispose();
        _textbookSocket?.Dispose();
        await Task.WhenAll(_accepting, _textbookAccepting).ConfigureAwait(false);
        Task refusing = _refusals.StopAsync();

        Task[] open = _registry.Completions();
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

        int cut = drained ? 0 : _registry.AbortAll();
        await all.ConfigureAwait(false);
        await refusing.ConfigureAwait(false);
        _heartbeat?.Dispose();
        LogStopped(open.Length, cut);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _heartbeat?.Dispose();
        _listenSocket?.Dispose();
        _textbookSocket?.Dispose();
        _tls?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listenSocket, ConnectionServices services, TlsAuthenticator? tls)
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
            if (!_registry.TryReserve())
            {
                if (services.IsTextbook)
                {
                    // The textbook wire has no Busy: a refusal is a close with no answer byte, as for any refusal there.
                    LogRefusedTextbook(socket.RemoteEndPoint, _options.MaxConnections);
                    _metrics.Busy(RleTcpMetrics.BusyReason.ConnectionLimit, ListenerKind.Textbook);
                    socket.Dispose();
                }
                else if (tls is null)
                {
                    _refusals.Refuse(socket);
                }
                else
                {
                    // A Busy frame would need a TLS handshake first: under a flood, closing costs less.
                    LogRefusedTls(socket.RemoteEndPoint, _options.MaxConnections);
                    _metrics.Busy(RleTcpMetrics.BusyReason.ConnectionLimit);
                    socket.Dispose();
                }

                continue;
            }

            // Registered here, before its handshake, so a shutdown that starts at any later point waits for it.
            var connection = new AcceptedConnection(
                Interlocked.Increment(ref _nextId), socket, services, tls, _registry, _stopping.Token);
            _registry.Add(connection);
            _metrics.ConnectionsChanged(1, services.Listener);
            _ = connection.RunAsync();
        }
    }
}
