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
        : this(payload, RleTcp.Protocol.V2.V2Op.Compress, RleTcp.Protocol.V2.V2RequestOptions.None)
    {
    }

    /// <summary>A request with a v2 op and options (on a v1 connection only COMPRESS without options, or PING, is sent).</summary>
    public PendingRequest(ReadOnlyMemory<byte> payload, RleTcp.Protocol.V2.V2Op op, RleTcp.Protocol.V2.V2RequestOptions options)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Payload = payload;
        Op = op;
        Options = options;
    }

    /// <summary>The v2 op.</summary>
    public RleTcp.Protocol.V2.V2Op Op { get; }

    /// <summary>The v2 options.</summary>
    public RleTcp.Protocol.V2.V2RequestOptions Options { get; }

    /// <summary>The v2 request id, set by the send loop when it writes the request.</summary>
    public uint Id { get; set; }

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

    /// <summary>
    /// Called by the send loop once the payload was copied out; applies a cancellation that came meanwhile and then
    /// returns true (the request is on the wire and its caller gave up: a v2 client cancels it on the server).
    /// </summary>
    public bool EndWrite()
    {
        Payload = default;
        if (Interlocked.CompareExchange(ref _state, Written, Writing) == WritingCancelRequested)
        {
            Volatile.Write(ref _state, Written);
            TrySetCanceled(_cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>The caller's token fired. Returns true when the request was already on the wire.</summary>
    public bool Cancel(CancellationToken token)
    {
        _cancellationToken = token;
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Queued when Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued:
                    Payload = default;
                    TrySetCanceled(token);
                    return false;
                case Writing when Interlocked.CompareExchange(ref _state, WritingCancelRequested, Writing) == Writing:
                    return false; // EndWrite applies it and reports it
                case Written:
                    // The request is on the wire: its answer will still arrive and be read (and dropped).
                    return TrySetCanceled(token);
                case Abandoned or WritingCancelRequested:
                    return false;
            }
        }
    }
}
