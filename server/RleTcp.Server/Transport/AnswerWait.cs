using System.Threading.Tasks.Sources;

namespace RleTcp.Server.Transport;

/// <summary>
/// The write loop's wait for the next answer's task, ended by the task or by the connection's abort, whichever comes
/// first: what <c>Task.WaitAsync(token)</c> does, without its promise and token registration per request (issue 14:
/// memory per small request). One per connection, one wait at a time; the completion is hooked on the task as a cached
/// delegate (no allocation when it is the task's only continuation).
/// </summary>
internal sealed class AnswerWait : IValueTaskSource
{
    private readonly Action _signal;
    private readonly CancellationToken _abort;
    private ManualResetValueTaskSourceCore<bool> _core; // continuations inline: on the thread that ends the wait
    private int _armed;

    /// <summary>A wait that <paramref name="abort"/> ends early (then <see cref="Signal"/> must be called on it).</summary>
    public AnswerWait(CancellationToken abort)
    {
        _abort = abort;
        _signal = Signal;
    }

    /// <summary>
    /// Completes when <paramref name="task"/> completes or the connection is aborted; the caller tells which from
    /// <c>task.IsCompleted</c>. The task's late completion after an abort ends nothing (the loop has left by then).
    /// </summary>
    public ValueTask WaitAsync(Task task)
    {
        _core.Reset();
        Volatile.Write(ref _armed, 1);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_signal);
        if (_abort.IsCancellationRequested)
        {
            Signal(); // Abort ran before the wait was armed: its Signal found nothing to end.
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Ends the pending wait, if any (called by the task's completion and by the connection's abort).</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetResult(true);
        }
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    /// <inheritdoc/>
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc/>
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
