using System.Collections.Concurrent;

namespace RleTcp.Server.Transport;

/// <summary>
/// The listener's open connections, counted from accept (a connection still in its TLS handshake is open too): the
/// cap checked with one <see cref="Interlocked"/> counter (Garnet's way), the heartbeat's round, and the drain's
/// snapshot and abort.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, AcceptedConnection> _open = new();
    private readonly int _capacity;
    private int _count;

    public ConnectionRegistry(int capacity) => _capacity = capacity;

    /// <summary>Open connections now, reserved places included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The most answers any open connection has pending now.</summary>
    public int MaxPendingAnswers => _open.Values.Select(c => c.PendingAnswers).DefaultIfEmpty(0).Max();

    /// <summary>Takes a place for one more connection; false (nothing taken) at the cap.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        return true;
    }

    /// <summary>Adds a connection in a place <see cref="TryReserve"/> took.</summary>
    public void Add(AcceptedConnection connection) => _open[connection.Id] = connection;

    /// <summary>Removes a closed connection and frees its place (before its completion is signalled).</summary>
    public void Remove(AcceptedConnection connection)
    {
        if (_open.TryRemove(connection.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Every open connection's completion, for the drain.</summary>
    public Task[] Completions() => _open.Values.Select(c => c.Completion).ToArray();

    /// <summary>Aborts every open connection; returns how many.</summary>
    public int AbortAll()
    {
        int cut = 0;
        foreach (AcceptedConnection connection in _open.Values)
        {
            cut++;
            connection.Abort();
        }

        return cut;
    }

    /// <summary>The heartbeat's round: every connection compares its deadlines with <paramref name="now"/>.</summary>
    public void OnHeartbeat(long now)
    {
        foreach (AcceptedConnection connection in _open.Values)
        {
            connection.OnHeartbeat(now);
        }
    }
}
