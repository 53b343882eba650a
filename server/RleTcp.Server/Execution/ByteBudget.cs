namespace RleTcp.Server.Execution;

/// <summary>
/// A count of bytes held against a fixed capacity, reserved before the bytes are spent and released when they are
/// given back. One <see cref="Interlocked"/> counter; no lock. The server's budgets (request bytes, decode memory,
/// unsent answers) are each one of these, as distinct types so each is injected where it belongs.
/// </summary>
public abstract class ByteBudget
{
    private long _used;

    /// <summary>Creates a budget of <paramref name="capacity"/> bytes.</summary>
    protected ByteBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The budget in bytes.</summary>
    public long Capacity { get; }

    /// <summary>Bytes reserved now.</summary>
    public long Used => Volatile.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/> if they fit; returns false (and reserves nothing) otherwise.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long used = Volatile.Read(ref _used);
        while (true)
        {
            if (bytes > Capacity - used)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _used, used + bytes, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }
    }

    /// <summary>Gives back bytes reserved with <see cref="TryReserve"/>.</summary>
    public void Release(long bytes)
    {
        long after = Interlocked.Add(ref _used, -bytes);
        if (after < 0)
        {
            throw new InvalidOperationException("Released more bytes than were reserved.");
        }
    }
}
