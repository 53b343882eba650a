using RleTcp.Imaging;

namespace RleTcp.Server.Execution;

/// <summary>
/// The executor's idle workers as <see cref="IIntakeHelpers"/> for the imaging layer: each work item is one band of a
/// <see cref="BandGroup"/>, so the worker that owns the request takes part (the call never waits on a free worker),
/// and queued requests still go before bands (a helper joins only when it has nothing else to do).
/// </summary>
internal sealed class BandIntakeHelpers(IBandScheduler scheduler) : IIntakeHelpers
{
    /// <summary>The scheduler the work items go to.</summary>
    public IBandScheduler Scheduler { get; } = scheduler;

    /// <inheritdoc/>
    public bool HasIdleHelper => Scheduler.HasIdleWorker;

    /// <inheritdoc/>
    public void Run(int count, Action<int> work, CancellationToken cancellationToken)
    {
        // Disposed on the way out: Run returns (or throws) only once every band has finished.
        using var group = new WorkBands(count, work);
        Scheduler.Run(group, cancellationToken);
    }

    private sealed class WorkBands(int count, Action<int> work) : BandGroup(count)
    {
        protected override void RunBand(int index) => work(index);
    }
}
