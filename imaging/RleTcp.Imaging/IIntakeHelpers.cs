namespace RleTcp.Imaging;

/// <summary>
/// Lets the intake spread the work of one image over threads it does not own (the server's idle workers), without
/// the imaging layer knowing where they come from. Given through <see cref="IntakeOptions.Helpers"/>.
/// </summary>
public interface IIntakeHelpers
{
    /// <summary>
    /// Whether a helper is idle now, so that a second work item given to <see cref="Run"/> would likely run beside
    /// the caller's. A snapshot that may be stale a moment later: the intake uses it only to choose between a way
    /// of working that pays on two threads and one that is cheapest on one; either is correct on any number.
    /// </summary>
    bool HasIdleHelper { get; }

    /// <summary>
    /// Runs <paramref name="work"/> once for each index 0 to <paramref name="count"/> - 1, in any order, on the calling
    /// thread and on whichever helpers are idle, and returns when all have finished. The calling thread takes part,
    /// so the call completes even when no helper is free (it then runs every index itself). Rethrows the first failure.
    /// </summary>
    void Run(int count, Action<int> work, CancellationToken cancellationToken);
}
