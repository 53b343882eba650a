namespace RleTcp.Server.Execution;

/// <summary>
/// The budget of built answers not yet sent, across all connections: an answer is charged when its worker has built it
/// and released when its connection has sent it or dropped it (<see cref="ServerResponse.Dispose"/>).
/// </summary>
/// <remarks>
/// A connection holding no unsent answer may always take one answer that fits the budget, so one large answer is never
/// refused for its size alone and a client that reads its answers is served. Further answers of a connection (a client
/// pipelining faster than it reads, or not reading at all) must fit its share (<see cref="PerConnectionCapacity"/>, a
/// quarter of the budget) and, all connections together, half of the budget: however many connections stop reading,
/// the other half stays for the clients that read. Without it, one client that pipelined requests with 100 MB answers
/// and never read made the server hold <c>MaxPipelinedRequests</c> + 2 of them (2.2 GiB measured); now such answers
/// beyond the share are answered Busy.
/// </remarks>
public sealed class AnswerBytesBudget : ByteBudget
{
    private long _backlogUsed;

    /// <summary>Creates a budget of <paramref name="capacity"/> bytes.</summary>
    public AnswerBytesBudget(long capacity)
        : base(capacity)
    {
        PerConnectionCapacity = Math.Max(1, capacity / 4);
        BacklogCapacity = Math.Max(1, capacity / 2);
    }

    /// <summary>What one connection's unsent answers may hold when it holds more than one.</summary>
    public long PerConnectionCapacity { get; }

    /// <summary>What all connections' answers beyond their first unsent one may hold together.</summary>
    public long BacklogCapacity { get; }

    /// <summary>Bytes of answers charged beyond their connection's first unsent one.</summary>
    public long BacklogUsed => Volatile.Read(ref _backlogUsed);

    /// <summary>
    /// Charges <paramref name="bytes"/> of a built answer to the budget and to <paramref name="source"/>'s share;
    /// false (nothing charged) when it does not fit. <paramref name="backlog"/> says which part it was charged to, for
    /// <see cref="Discharge"/>.
    /// </summary>
    internal bool TryCharge(long bytes, RequestSource source, out bool backlog)
    {
        long held = source.AddUnsentAnswerBytes(bytes);
        backlog = held - bytes > 0;
        if (backlog && (held > PerConnectionCapacity || Interlocked.Add(ref _backlogUsed, bytes) > BacklogCapacity))
        {
            if (held <= PerConnectionCapacity)
            {
                Interlocked.Add(ref _backlogUsed, -bytes);
            }

            source.AddUnsentAnswerBytes(-bytes);
            return false;
        }

        if (!TryReserve(bytes))
        {
            if (backlog)
            {
                Interlocked.Add(ref _backlogUsed, -bytes);
            }

            source.AddUnsentAnswerBytes(-bytes);
            return false;
        }

        return true;
    }

    /// <summary>Gives back what <see cref="TryCharge"/> took.</summary>
    internal void Discharge(long bytes, RequestSource source, bool backlog)
    {
        if (backlog)
        {
            Interlocked.Add(ref _backlogUsed, -bytes);
        }

        source.AddUnsentAnswerBytes(-bytes);
        Release(bytes);
    }
}
