namespace RleTcp.Server.Execution;

/// <summary>
/// The budget of memory all decodes in progress may hold, charged with <see cref="RleTcp.Imaging.DecodeCost"/>'s
/// header-only estimate before a decode starts. It bounds what the pixel limit cannot: the sum over the requests
/// decoding at once (four 62-byte WebPs declaring 10000x10000 would otherwise need ~3 GiB).
/// </summary>
/// <remarks>
/// A finished decode's working memory is garbage, not free: large arrays are reclaimed only by a full (gen2) GC, which
/// the runtime runs when its own, self-tuned large-object budget runs out. Releasing the charge at once let one large
/// decode follow another while the previous one's hundreds of MiB were still resident (2 GiB in a 120 s soak with
/// 512 MiB admitted). So <see cref="Finish"/> moves the charge to a pending part that is freed only once a full GC has
/// run since, and an admission that does not fit while garbage is pending runs that GC itself (blocking: the live heap
/// is small, so it costs milliseconds, and it runs only when the budget is full of garbage).
/// </remarks>
public sealed class DecodeMemoryBudget(long capacity) : ByteBudget(capacity)
{
    private readonly Lock _gate = new();
    private long _garbage;
    private int _garbageGeneration;

    /// <summary>Bytes of finished decodes charged until a full GC has reclaimed them.</summary>
    public long PendingGarbage
    {
        get
        {
            lock (_gate)
            {
                return _garbage;
            }
        }
    }

    /// <summary>
    /// Charges <paramref name="bytes"/> for a decode about to start; false (nothing charged) when it does not fit even
    /// after the garbage of finished decodes has been collected.
    /// </summary>
    public bool TryAdmit(long bytes)
    {
        ReleaseCollectedGarbage();
        if (TryReserve(bytes))
        {
            return true;
        }

        // Only when collecting could make it fit: a budget full of live decodes costs no GC per refusal.
        long pending = PendingGarbage;
        if (pending == 0 || bytes - (Capacity - Used) > pending)
        {
            return false;
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        ReleaseCollectedGarbage();
        return TryReserve(bytes);
    }

    /// <summary>Ends a decode admitted with <see cref="TryAdmit"/>: its charge stays until a full GC has run.</summary>
    public void Finish(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        lock (_gate)
        {
            _garbage += bytes;
            _garbageGeneration = GC.CollectionCount(2);
        }
    }

    private void ReleaseCollectedGarbage()
    {
        long collected = 0;
        lock (_gate)
        {
            if (_garbage > 0 && GC.CollectionCount(2) > _garbageGeneration)
            {
                collected = _garbage;
                _garbage = 0;
            }
        }

        if (collected > 0)
        {
            Release(collected);
        }
    }
}
