using System.Diagnostics;

namespace RleTcp.Client;

/// <summary>The pool's connections: choosing one per request, (re)connecting it, and the endpoints' backoff.</summary>
public sealed partial class RleTcpClientPool
{
    // Connects the slot if it needs it, retrying per the policy; returns its connection.
    private async Task<RleTcpClient> ConnectSlotAsync(Slot slot, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await GetClientAsync(slot).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    // A failed connect counts as dead too: the next use of the slot tries again rather than keep the failure.
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

    // An idle open connection first, then one that needs (re)connecting, then the least loaded; round-robin start. A
    // connection still being made counts as one request in flight, so a burst does not all wait on it.
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
