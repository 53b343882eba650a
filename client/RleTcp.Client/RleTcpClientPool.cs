using System.Diagnostics;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;

namespace RleTcp.Client;

/// <summary>
/// A fixed number of pipelined connections to one server, or spread over several (or one load balancer), shared by
/// any number of callers. Each request goes to the open connection with the fewest requests in flight; a connection
/// is opened only when every open one is busy and a place is free, and a dead one is replaced on its next use. A
/// request whose connection dies, or cannot be made, is sent again on another connection after a backoff, and Busy
/// answers are retried the same way, as the <see cref="RleTcpRetryPolicy"/> says (<see cref="RleTcpRetryPolicy.None"/>:
/// every request is tried once).
/// </summary>
/// <remarks>
/// Connection <c>i</c> goes to endpoint <c>i mod n</c> first. When a connect fails, that connection moves on to the
/// next endpoint and the endpoint that refused is skipped by all connections for a backoff that grows with its
/// consecutive failures, so replacements go to live servers (and stay there: a server that comes back gets
/// connections again as others are replaced). Behind one TCP load balancer (one endpoint), several connections
/// matter: balancers spread connections, not requests. The choosing and connecting is in
/// <c>RleTcpClientPool.Connections.cs</c>.
/// </remarks>
public sealed partial class RleTcpClientPool : IAsyncDisposable
{
    private readonly EndpointState[] _endpoints;
    private readonly Slot[] _slots;
    private readonly RleTcpClientOptions _options;
    private readonly RleTcpRetryPolicy _retry;
    private readonly Lock _gate = new();
    private int _nextSlot;
    private long _retries;
    private bool _disposed;

    /// <summary>Creates the pool; nothing is connected until the first request or <see cref="ConnectAsync"/>.</summary>
    /// <param name="endpoints">The servers, at least one.</param>
    /// <param name="connections">Connections in all, at least one; spread round-robin over <paramref name="endpoints"/>.</param>
    /// <param name="options">Per-connection limits and timeouts.</param>
    /// <param name="retry">The retry policy (default <see cref="RleTcpRetryPolicy.Default"/>).</param>
    public RleTcpClientPool(
        IReadOnlyList<RleTcpEndpoint> endpoints, int connections, RleTcpClientOptions? options = null, RleTcpRetryPolicy? retry = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfZero(endpoints.Count, nameof(endpoints));
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _options = options ?? RleTcpClientOptions.Default;
        _options.Validate();
        _retry = retry ?? RleTcpRetryPolicy.Default;
        _retry.Validate();
        _endpoints = endpoints.Select(e => new EndpointState(e ?? throw new ArgumentException("An endpoint is null.", nameof(endpoints)))).ToArray();
        _slots = Enumerable.Range(0, connections).Select(i => new Slot(i % _endpoints.Length)).ToArray();
    }

    /// <summary>Creates a pool of at most <paramref name="connections"/> connections to one server.</summary>
    public RleTcpClientPool(string host, int port, int connections, RleTcpClientOptions? options = null, RleTcpRetryPolicy? retry = null)
        : this([new RleTcpEndpoint(host, port)], connections, options, retry)
    {
    }

    /// <summary>The servers.</summary>
    public IReadOnlyList<RleTcpEndpoint> Endpoints => _endpoints.Select(e => e.Endpoint).ToArray();

    /// <summary>The most connections the pool keeps.</summary>
    public int Connections => _slots.Length;

    /// <summary>Requests sent again so far (after a dead connection, a failed connect, or Busy).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => OpenConnectionsPerEndpoint.Sum();

    /// <summary>Open connections per endpoint now, in <see cref="Endpoints"/> order.</summary>
    public IReadOnlyList<int> OpenConnectionsPerEndpoint
    {
        get
        {
            var counts = new int[_endpoints.Length];
            lock (_gate)
            {
                foreach (Slot slot in _slots)
                {
                    if (slot.Current is { IsCompletedSuccessfully: true } t && t.Result.IsConnected)
                    {
                        counts[slot.Endpoint]++;
                    }
                }
            }

            return counts;
        }
    }

    /// <summary>
    /// Opens every connection now (with the retry policy), so set-up is not part of the first requests and an
    /// unreachable service is one clear error.
    /// </summary>
    /// <exception cref="RleTcpConnectionException">A connection could not be made within the policy's tries.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_slots.Select(slot => ConnectSlotAsync(slot, cancellationToken)));

    /// <summary>The connection the next request would use, connecting one (with the retry policy) when needed.</summary>
    /// <exception cref="RleTcpConnectionException">A needed connection could not be made within the policy's tries.</exception>
    public Task<RleTcpClient> GetClientAsync(CancellationToken cancellationToken = default) =>
        ConnectSlotAsync(Choose(), cancellationToken);

    /// <summary>
    /// Sends one raw payload (empty = ping) and returns the answer. Retries per the policy; after the last try, a
    /// Busy answer is returned as it is and a connection failure is thrown.
    /// </summary>
    /// <exception cref="RleTcpConnectionException">Every try failed to connect or lost its connection.</exception>
    public Task<RleTcpResponse> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendAsync(payload, V2RequestOptions.None, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, a COMPRESS with per-request
    /// <paramref name="options"/> (protocol v2; with no options it is a plain v1-compatible request).
    /// </summary>
    /// <exception cref="NotSupportedException">Options were given and a server speaks only v1.</exception>
    public async Task<RleTcpResponse> SendAsync(ReadOnlyMemory<byte> payload, V2RequestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (int attempt = 1; ; attempt++)
        {
            Slot slot = Choose();
            RleTcpResponse response;
            try
            {
                RleTcpClient client = await GetClientAsync(slot).WaitAsync(cancellationToken).ConfigureAwait(false);
                response = options.IsEmpty || payload.IsEmpty
                    ? await client.SendAsync(payload, cancellationToken).ConfigureAwait(false)
                    : client.ProtocolVersion >= 2
                        ? await client.SendV2Async(V2Op.Compress, options, payload, cancellationToken).ConfigureAwait(false)
                        : throw new NotSupportedException($"Per-request options need protocol v2; the server at {client.Remote} speaks v1.");
            }
            catch (RleTcpConnectionException ex) when (IsRetryable(ex.Error) && attempt < _retry.MaxAttempts && !_disposed)
            {
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.Status == ResponseStatus.Busy && _retry.RetryBusy && attempt < _retry.MaxAttempts)
            {
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>Sends a ping (retrying per the policy) and returns the round trip of the try that was answered.</summary>
    /// <exception cref="RleTcpException">The server answered with an error status (e.g. still Busy after the last try).</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        RleTcpResponse response = await SendAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        RleTcpClient.CheckPingAnswer(response);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Compresses one encoded image with per-request <paramref name="options"/> (protocol v2), retrying per the policy.</summary>
    /// <exception cref="RleTcpException">The server refused the image (or was still Busy after the last try).</exception>
    /// <exception cref="NotSupportedException">Options were given and the server speaks only v1.</exception>
    public async Task<RleCompressionResult> CompressAsync(
        ReadOnlyMemory<byte> image, V2RequestOptions options, CancellationToken cancellationToken = default)
    {
        RleTcpResponse response = await SendAsync(RleCompressionResult.CheckImage(image), options, cancellationToken).ConfigureAwait(false);
        return RleCompressionResult.FromResponse(response);
    }

    /// <summary>Compresses one encoded image, retrying per the policy.</summary>
    /// <exception cref="RleTcpException">The server refused the image (or was still Busy after the last try).</exception>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RleTcpResponse response = await SendAsync(RleCompressionResult.CheckImage(image), cancellationToken).ConfigureAwait(false);
        return RleCompressionResult.FromResponse(response);
    }

    /// <summary>Compresses the image file at <paramref name="path"/> (at most <see cref="RleTcpClientOptions.MaxRequestBytes"/>), retrying per the policy.</summary>
    public async Task<RleCompressionResult> CompressFileAsync(string path, CancellationToken cancellationToken = default)
    {
        byte[] image;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            image = await BoundedStreamReader.ReadToEndAsync(file, _options.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        }

        return await CompressAsync(image, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cuts every connection at once (pending requests fail with <see cref="RleTcpConnectionError.Disposed"/>, and are not retried).</summary>
    public void Abort()
    {
        foreach (Task<RleTcpClient> client in Close())
        {
            _ = DisposeQuietlyAsync(client);
        }
    }

    /// <summary>Closes every connection the way <see cref="RleTcpClient.DisposeAsync"/> does (half-close, drain, close).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (Task<RleTcpClient> client in Close())
        {
            await DisposeQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    // The connection dying says nothing about the request, so it is sent again; Disposed means the caller closed us,
    // ResponseTooLarge and ProtocolViolation would only repeat.
    private static bool IsRetryable(RleTcpConnectionError error) => error is
        RleTcpConnectionError.ConnectFailed or RleTcpConnectionError.ConnectTimeout or
        RleTcpConnectionError.Closed or RleTcpConnectionError.RequestTimeout;

    private static async Task DisposeQuietlyAsync(Task<RleTcpClient> connecting)
    {
        // A connection that never came up has nothing to close (and its failure was its requests' to see).
        await ((Task)connecting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (connecting.IsCompletedSuccessfully)
        {
            await connecting.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task BackoffAsync(int attempt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        return Task.Delay(_retry.Backoff(attempt), cancellationToken);
    }

    private List<Task<RleTcpClient>> Close()
    {
        lock (_gate)
        {
            _disposed = true;
            var open = new List<Task<RleTcpClient>>();
            foreach (Slot slot in _slots)
            {
                if (slot.Current is { } current)
                {
                    open.Add(current);
                    slot.Current = null;
                }
            }

            return open;
        }
    }
}
