using System.Runtime.ExceptionServices;

namespace RleTcp.Server.Execution;

/// <summary>
/// A job split into <see cref="Count"/> independent bands (rows of one image) that any thread may run, each exactly once.
/// Bands are claimed with one <see cref="Interlocked.Increment(ref int)"/>, so the thread that owns the job and any idle
/// workers share them without a lock, and a band is never waited for unless another thread is already running it.
/// Dispose the group once every band has finished (after <see cref="IBandScheduler.Run"/> returns or throws); a helper
/// that picks up a stale ticket afterwards finds no band left and never touches the released event.
/// </summary>
public abstract class BandGroup : IDisposable
{
    private readonly ManualResetEventSlim _done = new(initialState: false);
    private int _next = -1;
    private int _remaining;
    private ExceptionDispatchInfo? _failure;
    private CancellationToken _cancellation;

    /// <summary>Creates a group of <paramref name="count"/> bands.</summary>
    protected BandGroup(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _remaining = count;
    }

    /// <summary>The number of bands.</summary>
    public int Count { get; }

    /// <summary>Runs band <paramref name="index"/>; called once per band, on any thread, possibly concurrently with other bands.</summary>
    protected abstract void RunBand(int index);

    /// <summary>Sets the token checked before each band starts; bands not started when it is cancelled are skipped.</summary>
    internal void SetCancellation(CancellationToken cancellation) => _cancellation = cancellation;

    /// <summary>Claims and runs bands until none is left unclaimed.</summary>
    internal void Help()
    {
        while (true)
        {
            int index = Interlocked.Increment(ref _next);
            if (index >= Count)
            {
                return;
            }

            try
            {
                if (!_cancellation.IsCancellationRequested)
                {
                    RunBand(index);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done.Set();
                }
            }
        }
    }

    /// <summary>
    /// Waits for the bands other threads are still running (every band has been claimed when this is called after
    /// <see cref="Help"/>), then rethrows the first band failure or the cancellation.
    /// </summary>
    internal void WaitAndThrow()
    {
        _done.Wait();
        _failure?.Throw();
        _cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>Releases the completion event. Call only when every band has finished.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the group holds; subclasses add their own resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _done.Dispose();
        }
    }
}
