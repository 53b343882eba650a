namespace RleTcp.Server.Transport;

/// <summary>
/// The one timer of a listener (Kestrel's Heartbeat): every <see cref="Interval"/> it hands the current timestamp to
/// <c>onTick</c>, which compares it with each connection's deadlines. Connections hold timestamps, not timers, so a
/// flush or a read costs no timer call and a deadline can never outlive the operation it guarded.
/// </summary>
internal sealed class ConnectionHeartbeat : IDisposable
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _time;
    private readonly Action<long> _onTick;
    private readonly ITimer _timer;
    private int _ticking;

    public ConnectionHeartbeat(TimeProvider time, TimeSpan interval, Action<long> onTick)
    {
        _time = time;
        _onTick = onTick;
        Interval = interval;
        _timer = time.CreateTimer(static s => ((ConnectionHeartbeat)s!).Tick(), this, interval, interval);
    }

    /// <summary>Time between ticks: a deadline is acted on at most this late.</summary>
    public TimeSpan Interval { get; }

    /// <summary>
    /// The tick for a server's timeouts: a quarter of the shortest one (so a deadline is met within 25 %), between
    /// 10 ms and Kestrel's 1 s.
    /// </summary>
    public static TimeSpan IntervalFor(params TimeSpan[] timeouts)
    {
        TimeSpan shortest = timeouts.Length == 0 ? MaxInterval : timeouts.Min();
        TimeSpan quarter = shortest / 4;
        return quarter < MinInterval ? MinInterval : quarter > MaxInterval ? MaxInterval : quarter;
    }

    /// <summary>Stops ticking; a tick already running finishes.</summary>
    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        // A slow tick (thousands of connections on a starved pool) is not overlapped by the next one.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            _onTick(_time.GetTimestamp());
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
