using System.Collections.Concurrent;
using System.Diagnostics;

namespace RleTcp.Server.Execution;

/// <summary>
/// Reusable deadline sources for <see cref="ExecutorJob"/>s: a fresh <see cref="CancellationTokenSource"/> with a
/// timeout costs a source, a timer and a registration list per request (about 270 bytes), a reset one nothing.
/// </summary>
/// <remarks>
/// A source goes back to the pool only when its job ended at least <see cref="Margin"/> before the deadline: its timer
/// then cannot be firing at that moment, so a reused source is never cancelled by its previous job's deadline. Sources
/// that fired, or came close, are disposed. The pool keeps at most its capacity; beyond that sources are disposed.
/// </remarks>
internal sealed class DeadlinePool
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);
    private readonly ConcurrentQueue<CancellationTokenSource> _free = new();
    private readonly int _capacity;
    private int _count;

    public DeadlinePool(int capacity) => _capacity = capacity;

    /// <summary>A source that cancels after <paramref name="timeout"/>.</summary>
    public CancellationTokenSource Rent(TimeSpan timeout)
    {
        if (_free.TryDequeue(out CancellationTokenSource? source))
        {
            Interlocked.Decrement(ref _count);
        }
        else
        {
            source = new CancellationTokenSource();
        }

        source.CancelAfter(timeout);
        return source;
    }

    /// <summary>
    /// Takes back a source rented at <paramref name="rentedTimestamp"/> (a <see cref="Stopwatch"/> timestamp) for
    /// <paramref name="timeout"/>; nothing may use it or its token afterwards.
    /// </summary>
    public void Return(CancellationTokenSource source, long rentedTimestamp, TimeSpan timeout)
    {
        if (Stopwatch.GetElapsedTime(rentedTimestamp) < timeout - Margin && source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= _capacity)
            {
                _free.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
