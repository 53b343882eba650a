using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Execution;

/// <summary>
/// One queued request: its payload, its deadline and the task its connection's writer awaits. The task completes
/// exactly once: with the processor's answer, or with Timeout when the deadline passes first (the late answer is
/// then disposed).
/// </summary>
internal sealed class ExecutorJob
{
    private readonly TaskCompletionSource<ServerResponse> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly DeadlinePool _deadlines;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenRegistration _onTimeout;

    public ExecutorJob(PooledPayload payload, RequestSource source, DeadlinePool deadlines, TimeSpan timeout)
    {
        Payload = payload;
        Source = source;
        _deadlines = deadlines;
        _timeout = timeout;
        _deadline = deadlines.Rent(timeout);
        _onTimeout = _deadline.Token.UnsafeRegister(static state => ((ExecutorJob)state!).CompleteTimedOut(), this);
    }

    public PooledPayload Payload { get; }

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
            TryComplete(ServerResponse.Error(ResponseStatus.Timeout, "The request was not processed within the server's time limit."));
        }
    }

    /// <summary>Releases the payload and the deadline once the processor is done with the job (called once).</summary>
    public void Finish()
    {
        Payload.Dispose();
        _onTimeout.Dispose();

        // Back to the pool (or disposed): Cancellation must not be used after this.
        _deadlines.Return(_deadline, EnqueuedTimestamp, _timeout);
    }
}
