namespace RleTcp.Client;

/// <summary>
/// A few connections to one server, shared by any number of callers. Each request goes to the connection with
/// the fewest requests in flight (ties broken round-robin); a new connection is opened only when every open one
/// is busy and a slot is free; a dead connection is replaced on the next request.
/// </summary>
public sealed class RleTcpClientPool : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly RleTcpClientOptions _options;
    private readonly Task<RleTcpClient>?[] _slots;
    private readonly Lock _gate = new();
    private int _next;
    private bool _disposed;

    /// <summary>Creates a pool of at most <paramref name="size"/> connections; nothing is connected until the first request.</summary>
    public RleTcpClientPool(string host, int port, int size, RleTcpClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _host = host;
        _port = port;
        _options = options ?? RleTcpClientOptions.Default;
        _options.Validate();
        _slots = new Task<RleTcpClient>?[size];
    }

    /// <summary>The most connections the pool opens.</summary>
    public int Size => _slots.Length;

    /// <summary>Connections open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count(s => s is { IsCompletedSuccessfully: true } t && t.Result.IsConnected);
            }
        }
    }

    /// <summary>The connection the next request should use, connecting one when needed.</summary>
    /// <exception cref="RleTcpConnectionException">A needed connection could not be made.</exception>
    public async Task<RleTcpClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        Task<RleTcpClient> chosen;
        int slot;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            slot = Choose();
            chosen = _slots[slot] ??= RleTcpClient.ConnectAsync(_host, _port, _options, CancellationToken.None);
        }

        try
        {
            return await chosen.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RleTcpConnectionException)
        {
            lock (_gate)
            {
                // Let the next request try again rather than keep a failed attempt in the slot.
                if (ReferenceEquals(_slots[slot], chosen))
                {
                    _slots[slot] = null;
                }
            }

            throw;
        }
    }

    /// <inheritdoc cref="RleTcpClient.SendAsync"/>
    public async Task<RleTcpResponse> SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        RleTcpClient client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.SendAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="RleTcpClient.PingAsync"/>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        RleTcpClient client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="RleTcpClient.CompressAsync(ReadOnlyMemory{byte}, RleTcp.Protocol.V2.V2RequestOptions, CancellationToken)"/>
    public async Task<RleCompressionResult> CompressAsync(
        ReadOnlyMemory<byte> image, RleTcp.Protocol.V2.V2RequestOptions options, CancellationToken cancellationToken = default)
    {
        RleTcpClient client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.CompressAsync(image, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="RleTcpClient.CompressAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RleTcpClient client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.CompressAsync(image, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="RleTcpClient.CompressFileAsync"/>
    public async Task<RleCompressionResult> CompressFileAsync(string path, CancellationToken cancellationToken = default)
    {
        RleTcpClient client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return await client.CompressFileAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes every connection the way <see cref="RleTcpClient.DisposeAsync"/> does (half-close, drain, close).</summary>
    public async ValueTask DisposeAsync()
    {
        Task<RleTcpClient>?[] slots;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            slots = (Task<RleTcpClient>?[])_slots.Clone();
            Array.Clear(_slots);
        }

        foreach (Task<RleTcpClient>? slot in slots)
        {
            if (slot is null)
            {
                continue;
            }

            try
            {
                await (await slot.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (RleTcpConnectionException)
            {
                // Never connected: nothing to close.
            }
        }
    }

    // Called under _gate. Prefers an idle open connection, then a free slot, then the least loaded connection.
    private int Choose()
    {
        int start = _next++ & int.MaxValue;
        int best = -1, bestLoad = int.MaxValue, free = -1;
        for (int i = 0; i < _slots.Length; i++)
        {
            int index = (start + i) % _slots.Length;
            Task<RleTcpClient>? slot = _slots[index];
            if (slot is null)
            {
                free = free < 0 ? index : free;
                continue;
            }

            bool dead = slot.IsCompletedSuccessfully ? !slot.Result.IsConnected : slot.IsCompleted;
            if (dead)
            {
                if (slot.IsCompletedSuccessfully)
                {
                    _ = slot.Result.DisposeAsync().AsTask(); // already closed; disposing only releases it
                }

                _slots[index] = null;
                free = free < 0 ? index : free;
                continue;
            }

            // A connection still being made counts as one request in flight, so a burst does not all wait on it.
            int load = slot.IsCompletedSuccessfully ? slot.Result.PendingCount : 1;
            if (load < bestLoad)
            {
                best = index;
                bestLoad = load;
            }
        }

        if (best >= 0 && (bestLoad == 0 || free < 0))
        {
            return best;
        }

        return free >= 0 ? free : start % _slots.Length;
    }
}
