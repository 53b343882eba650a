namespace RleTcp.Cli.Load;

/// <summary>The merged outcome of a run, or why it could not start.</summary>
internal sealed record LoadResult(LoadSettings? Settings, WorkerStats Stats, TimeSpan Elapsed, string? UnreachableReason)
{
    public static LoadResult Unreachable(string reason) => new(null, new WorkerStats(), TimeSpan.Zero, reason);

    public long Requests => Stats.Ok + Stats.Errors.Values.Sum();

    public long Failed => Stats.Errors.Values.Sum();
}
