using System.Diagnostics;

namespace RleTcp.Client;

/// <summary>
/// One request between the caller and its answer. It is its own completion source (one allocation a request),
/// and it guards the caller's payload: a cancellation that arrives while the send loop is copying the payload
/// takes effect only after the copy, so the caller may reuse its buffer as soon as the task completes.
/// </summary>
internal sealed class PendingRequest : TaskCompletionSource<RleTcpResponse>
{
    private const int Queued = 0, Writing = 1, Written = 2, Abandoned = 3, WritingCancelRequested = 4;

    private int _state;
    private CancellationToken _cancellationToken;

    public PendingRequest(ReadOnlyMemory<byte> payload)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Payload = payload;
    }

    /// <summary>The frame payload; valid until <see cref="EndWrite"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the send loop took the request, for the request timeout.</summary>
    public long SentTimestamp { get; private set; }

    /// <summary>Called by the send loop: false when the caller gave up before anything was written.</summary>
    public bool TryBeginWrite()
    {
        if (Interlocked.CompareExchange(ref _state, Writing, Queued) != Queued)
        {
            return false;
        }

        SentTimestamp = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>Called by the send loop once the payload was copied out; applies a cancellation that came meanwhile.</summary>
    public void EndWrite()
    {
        Payload = default;
        if (Interlocked.CompareExchange(ref _state, Written, Writing) == WritingCancelRequested)
        {
            Volatile.Write(ref _state, Written);
            TrySetCanceled(_cancellationToken);
        }
    }

    /// <summary>The caller's token fired.</summary>
    public void Cancel(CancellationToken token)
    {
        _cancellationToken = token;
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Queued when Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued:
                    Payload = default;
                    TrySetCanceled(token);
                    return;
                case Writing when Interlocked.CompareExchange(ref _state, WritingCancelRequested, Writing) == Writing:
                    return;
                case Written:
                    // The request is on the wire: its answer will still arrive and be read (and dropped) in order.
                    TrySetCanceled(token);
                    return;
                case Abandoned or WritingCancelRequested:
                    return;
            }
        }
    }
}
