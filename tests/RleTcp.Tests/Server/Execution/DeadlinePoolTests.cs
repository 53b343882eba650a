using System.Diagnostics;
using RleTcp.Server.Execution;

namespace RleTcp.Tests.Server.Execution;

/// <summary>The executor's pool of job deadlines: reuse only of sources that are safely reset.</summary>
[Trait("Category", "Unit")]
public class DeadlinePoolTests
{
    [Fact]
    public void ASourceReturnedLongBeforeItsDeadlineIsReusedUncancelled()
    {
        var pool = new DeadlinePool(capacity: 4);
        TimeSpan timeout = TimeSpan.FromMinutes(10);
        long rented = Stopwatch.GetTimestamp();
        CancellationTokenSource first = pool.Rent(timeout);
        pool.Return(first, rented, timeout);

        CancellationTokenSource second = pool.Rent(timeout);

        Assert.Same(first, second);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public void ASourceThatFiredIsNotReused()
    {
        var pool = new DeadlinePool(capacity: 4);
        TimeSpan timeout = TimeSpan.FromMinutes(10);
        CancellationTokenSource fired = pool.Rent(timeout);
        fired.Cancel();
        pool.Return(fired, Stopwatch.GetTimestamp(), timeout);

        CancellationTokenSource next = pool.Rent(timeout);

        Assert.NotSame(fired, next);
        Assert.False(next.IsCancellationRequested);
    }

    [Fact]
    public void ASourceReturnedCloseToItsDeadlineIsNotReused()
    {
        // Its timer could be firing at that moment; a reused source must never inherit that cancellation.
        var pool = new DeadlinePool(capacity: 4);
        TimeSpan timeout = TimeSpan.FromMinutes(10);
        CancellationTokenSource late = pool.Rent(timeout);
        long rentedLongAgo = Stopwatch.GetTimestamp() - (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        pool.Return(late, rentedLongAgo, timeout);

        Assert.NotSame(late, pool.Rent(timeout));
    }
}
