namespace RleTcp.Server.Execution;

/// <summary>
/// The budget of built answers not yet sent, across all connections: an answer is charged when its worker has built it
/// and released when its connection has sent it or dropped it (<see cref="ServerResponse.Dispose"/>). One connection may
/// hold at most a quarter of it (<see cref="PerConnectionCapacity"/>), except that a connection holding nothing may
/// always take one answer that fits the whole budget, so one large answer is never refused for its size alone.
/// </summary>
/// <remarks>
/// Without it, a client that pipelines requests with 100 MB answers and never reads made the server hold
/// <c>MaxPipelinedRequests</c> + 2 of them (2.2 GiB measured); now such answers beyond the share are answered Busy.
/// </remarks>
public sealed class AnswerBytesBudget(long capacity) : ByteBudget(capacity)
{
    /// <summary>What one connection's unsent answers may hold when it holds more than one.</summary>
    public long PerConnectionCapacity { get; } = Math.Max(1, capacity / 4);

    /// <summary>
    /// Charges <paramref name="bytes"/> of a built answer to the budget and to <paramref name="source"/>'s share;
    /// false (nothing charged) when either is exhausted.
    /// </summary>
    internal bool TryCharge(long bytes, RequestSource source)
    {
        long held = source.AddUnsentAnswerBytes(bytes);
        if (held - bytes > 0 && held > PerConnectionCapacity)
        {
            source.AddUnsentAnswerBytes(-bytes);
            return false;
        }

        if (!TryReserve(bytes))
        {
            source.AddUnsentAnswerBytes(-bytes);
            return false;
        }

        return true;
    }

    /// <summary>Gives back what <see cref="TryCharge"/> took.</summary>
    internal void Discharge(long bytes, RequestSource source)
    {
        source.AddUnsentAnswerBytes(-bytes);
        Release(bytes);
    }
}
