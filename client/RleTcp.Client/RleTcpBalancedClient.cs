using System.Diagnostics;
using RleTcp.Protocol.Framing;

namespace RleTcp.Client;

/// <summary>
/// A fixed number of connections spread over one or more servers (or one load balancer), shared by any number of
/// callers, that survives servers going away: a request whose connection dies, or cannot be made, is sent again on
/// another connection after a backoff, and Busy answers are retried the same way (<see cref="RleTcpRetryPolicy"/>).
/// </summary>
/// <remarks>
/// Connection <c>i</c> goes to endpoint <c>i mod n</c> first. A connection that dies is replaced on its next use; when
/// a connect fails, that connection moves on to the next endpoint and the endpoint that refused is skipped by all
/// connections for a backoff that grows with its consecutive failures, so replacements go to live servers (and stay
/// there: a server that comes back gets connections again as others are replaced). Each request goes to the open connection with the fewest requests in flight.
/// Behind one TCP load balancer (one endpoint), several connections matter: balancers spread connections, not requests.
/// </remarks>
public sealed class RleTcpBalancedClient : IAsyncDisposable
{
    private readonly EndpointState[] _endpoints;
    private readonly Slot[] _slots;
    private readonly RleTcpClientOptions _options;
    private readonly RleTcpRetryPolicy _retry;
    private readonly Lock _gate = new();
    private int _nextSlot;
    private long _retries;
    private bool _disposed;

    /// <summary>Creates the client; nothing is connected until the first request or <see cref="ConnectAsync"/>.</summary>
    /// <param name="endpoints">The servers, at least one.</param>
    /// <param name="connections">Connections in all, at least one; spread round-robin over <paramref name="endpoints"/>.</param>
    /// <param name="options">Per-connection limits and timeouts.</param>
    /// <param name="retry">The retry policy (default <see cref="RleTcpRetryPolicy.Default"/>).</param>
    public RleTcpBalancedClient(
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

    /// <summary>The servers.</summary>
    public IReadOnlyList<RleTcpEndpoint> Endpoints => _endpoints.Select(e => e.Endpoint).ToArray();

    /// <summary>The number of connections kept.</summary>
    public int Connections => _slots.Length;

    /// <summary>Requests sent again so far (after a dead connection, a failed connect, or Busy).</summary>
    public long Retries => Interlocked.Read(ref _retries);

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

    /// <summary>
    /// Sends one raw payload (empty = ping) and returns the answer. Retries per the policy; after the last try, a
    /// Busy answer is returned as it is and a connection failure is thrown.
    /// </summary>
    /// <exception cref="RleTcpConnectionException">Every try failed to connect or lost its connection.</exception>
    public Task<RleTcpResponse> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendAsync(payload, RleTcp.Protocol.V2.V2RequestOptions.None, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, a COMPRESS with per-request
    /// <paramref name="options"/> (protocol v2; with no options it is a plain v1-compatible request).
    /// </summary>
    /// <exception cref="NotSupportedException">Options were given and a server speaks only v1.</exception>
    public async Task<RleTcpResponse> SendAsync(
        ReadOnlyMemory<byte> payload, RleTcp.Protocol.V2.V2RequestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (int attempt = 1; ; attempt++)
        {
            Slot slot = Choose();
            RleTcpClient client;
            RleTcpResponse response;
            try
            {
                client = await GetClientAsync(slot).WaitAsync(cancellationToken).ConfigureAwait(false);
                response = options.IsEmpty || payload.IsEmpty
                    ? await client.SendAsync(payload, cancellationToken).ConfigureAwait(false)
                    : client.ProtocolVersion >= 2
                        ? await client.SendV2Async(RleTcp.Protocol.V2.V2Op.Compress, options, payload, cancellationToken).ConfigureAwait(false)
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

    /// <summary>Compresses one encoded image, retrying per the policy.</summary>
    /// <exception cref="RleTcpException">The server refused the image (or was still Busy after the last try).</exception>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RleTcpResponse response = await SendAsync(RleCompressionResult.CheckImage(image), cancellationToken).ConfigureAwait(false);
        return RleCompressionResult.FromResponse(response);
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

    private async Task ConnectSlotAsync(Slot slot, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await GetClientAsync(slot).WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RleTcpConnectionException ex) when (IsRetryable(ex.Error) && attempt < _retry.MaxAttempts && !_disposed)
            {
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // The slot's connection, opening one (to the slot's endpoint, or the next one not backing off) when it has none
    // or its connection died.
    private Task<RleTcpClient> GetClientAsync(Slot slot)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (slot.Current is { } current && !IsDead(current))
            {
                return current;
            }

            if (slot.Current is { IsCompletedSuccessfully: true } dead)
            {
                _ = dead.Result.DisposeAsync().AsTask(); // already closed; disposing only releases it
            }

            slot.Endpoint = PickEndpoint(slot.Endpoint);
            Task<RleTcpClient> connecting = ConnectToAsync(slot, slot.Endpoint);
            slot.Current = connecting;
            return connecting;
        }
    }

    private async Task<RleTcpClient> ConnectToAsync(Slot slot, int index)
    {
        EndpointState endpoint = _endpoints[index];
        try
        {
            RleTcpClient client = await RleTcpClient.ConnectAsync(endpoint.Endpoint.Host, endpoint.Endpoint.Port, _options).ConfigureAwait(false);
            endpoint.Succeeded();
            return client;
        }
        catch (RleTcpConnectionException)
        {
            // The slot's next try goes to the next endpoint, and this one is skipped by every slot for a while.
            endpoint.Failed(_retry);
            lock (_gate)
            {
                if (slot.Endpoint == index)
                {
                    slot.Endpoint = (index + 1) % _endpoints.Length;
                }
            }

            throw;
        }
    }

    private static bool IsDead(Task<RleTcpClient> connection) =>
        connection.IsCompletedSuccessfully ? !connection.Result.IsConnected : connection.IsCompleted;

    // Called under _gate: the preferred endpoint unless it is backing off, else the next one that is not, else the
    // one whose backoff ends first.
    private int PickEndpoint(int preferred)
    {
        long now = Stopwatch.GetTimestamp();
        int best = preferred;
        for (int i = 0; i < _endpoints.Length; i++)
        {
            int index = (preferred + i) % _endpoints.Length;
            if (_endpoints[index].DownUntil <= now)
            {
                return index;
            }

            if (_endpoints[index].DownUntil < _endpoints[best].DownUntil)
            {
                best = index;
            }
        }

        return best;
    }

    // An idle open connection first, then one that needs (re)connecting, then the least loaded; round-robin start.
    private Slot Choose()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int start = _nextSlot++ & int.MaxValue;
            Slot? best = null, reconnect = null;
            int bestLoad = int.MaxValue;
            for (int i = 0; i < _slots.Length; i++)
            {
                Slot slot = _slots[(start + i) % _slots.Length];
                if (slot.Current is not { } current || IsDead(current))
                {
                    reconnect ??= slot;
                    continue;
                }

                int load = current.IsCompletedSuccessfully ? current.Result.PendingCount : 1;
                if (load < bestLoad)
                {
                    best = slot;
                    bestLoad = load;
                }
            }

            return best is not null && (bestLoad == 0 || reconnect is null) ? best : reconnect ?? best!;
        }
    }

    private sealed class Slot(int endpoint)
    {
        public int Endpoint { get; set; } = endpoint;

        public Task<RleTcpClient>? Current { get; set; }
    }

    private sealed class EndpointState(RleTcpEndpoint endpoint)
    {
        private int _failures;
        private long _downUntil;

        public RleTcpEndpoint Endpoint { get; } = endpoint;

        public long DownUntil => Volatile.Read(ref _downUntil);

        public void Succeeded()
        {
            Volatile.Write(ref _failures, 0);
            Volatile.Write(ref _downUntil, 0);
        }

        // Skipped for four times the request backoff of as many failures, so a request's next try rarely finds it again.
        public void Failed(RleTcpRetryPolicy policy)
        {
            int failures = Interlocked.Increment(ref _failures);
            long backoff = (long)(policy.Backoff(failures + 2).TotalSeconds * Stopwatch.Frequency);
            Volatile.Write(ref _downUntil, Stopwatch.GetTimestamp() + backoff);
        }
    }
}
