using System.Runtime.ExceptionServices;

namespace RleTcp.Imaging;

/// <summary>
/// <see cref="IIntakeHelpers"/> from the .NET thread pool, for hosts without workers of their own to lend: the decode
/// worker process (one request at a time, so its pool is otherwise idle) and <c>rletcp compress --local</c>.
/// </summary>
/// <remarks>
/// Work items are claimed from one counter by the caller and by pool threads alike, so an index no pool thread has
/// picked up by the time the caller is free is run by the caller: a busy pool only makes the call slower.
/// </remarks>
public sealed class ThreadPoolIntakeHelpers : IIntakeHelpers
{
    /// <summary>The one instance (it holds no state between calls).</summary>
    public static ThreadPoolIntakeHelpers Shared { get; } = new();

    private ThreadPoolIntakeHelpers()
    {
    }

    /// <inheritdoc />
    /// <remarks>True while the pool has no queued work: a pool thread would then pick the second item up at once.</remarks>
    public bool HasIdleHelper => ThreadPool.PendingWorkItemCount == 0;

    /// <inheritdoc />
    public void Run(int count, Action<int> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (count <= 1)
        {
            if (count == 1)
            {
                work(0);
            }

            return;
        }

        var run = new Claims(count, work);
        for (int i = 1; i < count; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
        }

        run.Execute();
        run.WaitForClaimed();
        run.ThrowIfFailed();
    }

    // Pool items that start after the call has returned find every index claimed and touch nothing else (the
    // event is never waited on by them, and needs no disposal: it only ever blocks through Monitor).
    private sealed class Claims : IThreadPoolWorkItem
    {
        private readonly ManualResetEventSlim _finished = new(false);
        private readonly int _count;
        private readonly Action<int> _work;
        private int _next = -1;
        private int _running;
        private ExceptionDispatchInfo? _failure;

        public Claims(int count, Action<int> work)
        {
            _count = count;
            _work = work;
            _running = count;
        }

        // Runs unclaimed indexes until none is left; each finished index counts down, the last one sets the event.
        public void Execute()
        {
            int index;
            while ((index = Interlocked.Increment(ref _next)) < _count)
            {
                try
                {
                    _work(index);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }

                if (Interlocked.Decrement(ref _running) == 0)
                {
                    _finished.Set();
                }
            }
        }

        public void WaitForClaimed() => _finished.Wait();

        public void ThrowIfFailed() => _failure?.Throw();
    }
}
