using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Execution;

/// <summary>
/// One queued request: its payload, its deadline and the task its connection's writer awaits. The task completes
/// exactly once: with the processor's answer, or with Timeout when the deadline passes first (the late answer is
/// then disposed).
/// </summary>
internal sealed class ExecutorJob
{
    private readonly TaskCompletionSource<ServerResponse> _completion;

    private readonly DeadlinePool _deadlines;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenRegistration _onTimeout;
    private readonly CancellationTokenRegistration _onCancel;
    private readonly string _timeoutMessage;
    private volatile bool _cancelled;

    public ExecutorJob(PooledPayload payload, RequestSource source, DeadlinePool deadlines, TimeSpan timeout)
        : this(payload, source, 0, deadlines, timeout, processor: null, CancellationToken.None, timeoutMessage: null)
    {
    }

    /// <summary>
    /// A job with its own <paramref name="processor"/> (null: the executor's), and a <paramref name="cancel"/> token whose
    /// firing completes it Cancelled and stops its work like the deadline does (protocol v2's CANCEL and closed connections).
    /// <paramref name="continueInline"/>: <see cref="Completion"/>'s continuations run on the completing thread (see
    /// <c>RequestExecutor.TrySubmit</c>).
    /// </summary>
    public ExecutorJob(
        PooledPayload payload, RequestSource source, int bodyStart, DeadlinePool deadlines, TimeSpan timeout,
        IRequestProcessor? processor, CancellationToken cancel, string? timeoutMessage, bool continueInline = false)
    {
        _completion = new(continueInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Payload = payload;
        Source = source;
        BodyStart = bodyStart;
        Processor = processor;
        _deadlines = deadlines;
        _timeout = timeout;
        _timeoutMessage = timeoutMessage ?? "The request was not processed within the server's time limit.";
        _deadline = deadlines.Rent(timeout);
        _onTimeout = _deadline.Token.UnsafeRegister(static state => ((ExecutorJob)state!).CompleteTimedOut(), this);
        if (cancel.CanBeCanceled)
        {
            _onCancel = cancel.UnsafeRegister(static state => ((ExecutorJob)state!).CancelFromOutside(), this);
        }
    }

    public PooledPayload Payload { get; }

    /// <summary>Where the processor's input starts in <see cref="Payload"/> (after a v2 request head; 0 in v1).</summary>
    public int BodyStart { get; }

    /// <summary>The job's own processor, or null for the executor's.</summary>
    public IRequestProcessor? Processor { get; }

    /// <summary>Whether the job ended because it was cancelled from outside (not by its deadline).</summary>
    public bool WasCancelled => _cancelled;

    /// <summary>The client the job came from: its queue, and the share its answer is charged to.</summary>
    public RequestSource Source { get; }

    /// <summary>When the job was queued (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for the queue-wait metric.</summary>
    public long EnqueuedTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Cancelled when the request's time is up.</summary>
    public CancellationToken Cancellation => _deadline.Token;

    public Task<ServerResponse> Completion => _completion.Task;

    /// <summary>Completes the task with <paramref name="response"/>, or disposes it when the task already completed.</summary>
    public void TryComplete(ServerResponse response)
    {
        if (!_completion.TrySetResult(response))
        {
            response.Dispose();
        }
    }

    /// <summary>
    /// Completes the task with Timeout (if it is not complete yet). Called by the deadline, and again by the worker
    /// that saw the cancellation: disposing the registration can pre-empt a callback that has not run yet.
    /// </summary>
    public void CompleteTimedOut()
    {
        if (!_completion.Task.IsCompleted)
        {
            TryComplete(ServerResponse.Error(ResponseStatus.Timeout, _timeoutMessage));
        }
    }

    // Answers Cancelled first, then trips the deadline source so the worker stops at its next row or band check
    // (its late Timeout is then a no-op). Finish disposes this registration before the source goes back to the
    // pool, which waits for a running callback: a reused source is never cancelled by an old job.
    private void CancelFromOutside()
    {
        _cancelled = true;
        if (!_completion.Task.IsCompleted)
        {
            TryComplete(ServerResponse.Error(ResponseStatus.Cancelled, "The request was cancelled."));
        }

        _deadline.Cancel();
    }

    /// <summary>Releases the payload and the deadline once the processor is done with the job (called once).</summary>
    public void Finish()
    {
        Payload.Dispose();
        _onCancel.Dispose();
        _onTimeout.Dispose();

        // Back to the pool (or disposed): Cancellation must not be used after this.
        _deadlines.Return(_deadline, EnqueuedTimestamp, _timeout);
    }
}
