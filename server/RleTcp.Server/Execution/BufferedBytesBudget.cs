namespace RleTcp.Server.Execution;

/// <summary>
/// The global budget of request payload bytes held in memory across all connections. A frame is admitted on its
/// declared length when its header arrives, before any payload byte is buffered, so many large uploads at once get
/// Busy instead of exhausting memory. One <see cref="Interlocked"/> counter; no lock.
/// </summary>
public sealed class BufferedBytesBudget
{
    private long _used;

    /// <summary>Creates a budget of <paramref name="capacity"/> bytes.</summary>
    public BufferedBytesBudget(long capacity)
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
