namespace RleTcp.Client;

/// <summary>
/// How <see cref="RleTcpClientPool"/> retries. A request is sent again when its connection could not be made or
/// died before the answer (compression is idempotent, so a second try is safe) and, if <see cref="RetryBusy"/>, when
/// the server answered Busy. Between tries it waits an exponential backoff with jitter: about
/// <see cref="InitialBackoff"/> × 2^(try − 1), at most <see cref="MaxBackoff"/>, of which a random half is kept, so
/// clients that failed together do not come back together.
/// </summary>
public sealed record RleTcpRetryPolicy
{
    /// <summary>The policy used when none is given: 6 tries, 25 ms doubling to at most 2 s, Busy retried.</summary>
    public static RleTcpRetryPolicy Default { get; } = new();

    /// <summary>No retries: every request is tried once.</summary>
    public static RleTcpRetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>Tries per request, the first included (1 = no retry). Default 6.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The backoff before the second try. Default 25 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The longest backoff. Default 2 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether a Busy answer is retried (else it is returned to the caller). Default true.</summary>
    public bool RetryBusy { get; init; } = true;

    /// <summary>The wait before try <paramref name="attempt"/> + 1, after <paramref name="attempt"/> tries failed (jittered).</summary>
    public TimeSpan Backoff(int attempt)
    {
        double full = Math.Min(MaxBackoff.TotalMilliseconds, InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds((full / 2) + (Random.Shared.NextDouble() * full / 2));
    }

    internal void Validate()
    {
        if (MaxAttempts is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be 1..1000.");
        }

        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "The backoffs must satisfy 0 <= InitialBackoff <= MaxBackoff.");
        }
    }
}
