namespace RleTcp.Tests.Support;

/// <summary>
/// A clock that moves only when a test says so, for deadline tests that must not depend on the machine's speed.
/// Timers are not supported: the code under test is ticked by hand (<c>RleTcpConnection.OnHeartbeat</c>).
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long _now = 1_000_000;

    /// <summary>Ticks per second of <see cref="GetTimestamp"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => Interlocked.Read(ref _now);

    /// <summary>Moves the clock on; returns the new timestamp.</summary>
    public long Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("ManualClock has no timers; tick the code under test by hand.");
}
