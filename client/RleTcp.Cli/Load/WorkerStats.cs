namespace RleTcp.Cli.Load;

/// <summary>What one worker saw; private to it while running (no sharing, no locks), merged afterwards.</summary>
internal sealed class WorkerStats
{
    public LatencyHistogram Latency { get; } = new();

    public long Ok { get; set; }

    public long BytesOut { get; set; }

    public long BytesIn { get; set; }

    public long Verified { get; set; }

    public long Mismatches { get; set; }

    /// <summary>Failed requests by kind: "connect", "timeout", "closed", or a status name.</summary>
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public void Error(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;

    public void Add(WorkerStats other)
    {
        Latency.Add(other.Latency);
        Ok += other.Ok;
        BytesOut += other.BytesOut;
        BytesIn += other.BytesIn;
        Verified += other.Verified;
        Mismatches += other.Mismatches;
        foreach ((string kind, long count) in other.Errors)
        {
            Errors[kind] = Errors.GetValueOrDefault(kind) + count;
        }
    }
}
