namespace RleTcp.Server.Execution;

/// <summary>Runs the bands of a <see cref="BandGroup"/> in parallel and returns when all are done.</summary>
public interface IBandScheduler
{
    /// <summary>
    /// Whether a worker other than the caller's is idle now (no request queued, no band waiting), so a band given to
    /// <see cref="Run"/> would likely start at once elsewhere. A snapshot, stale a moment later.
    /// </summary>
    bool HasIdleWorker { get; }

    /// <summary>
    /// Runs every band of <paramref name="group"/>: the calling thread takes part, so the call completes even when no
    /// other thread is free. Rethrows the first band failure; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> stopped it.
    /// </summary>
    void Run(BandGroup group, CancellationToken cancellationToken);
}
