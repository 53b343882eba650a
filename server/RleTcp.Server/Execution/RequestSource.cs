namespace RleTcp.Server.Execution;

/// <summary>
/// One client's place in the <see cref="RequestExecutor"/> (a connection's, or a shared one for in-process callers):
/// its own queue of jobs, served round-robin against the other sources' queues so a client with many heavy requests
/// waits behind itself rather than in front of everyone, and its share of the unsent answer bytes.
/// </summary>
/// <remarks>Create one per connection with <see cref="RequestExecutor.CreateSource"/>.</remarks>
public sealed class RequestSource
{
    private long _unsentAnswerBytes;

    internal RequestSource()
    {
    }

    /// <summary>Built answers of this source not yet sent (charged to the <see cref="AnswerBytesBudget"/>).</summary>
    public long UnsentAnswerBytes => Volatile.Read(ref _unsentAnswerBytes);

    /// <summary>This source's jobs waiting for a worker, oldest first. Guarded by the executor's queue lock.</summary>
    internal Queue<ExecutorJob> Jobs { get; } = new();

    /// <summary>Whether this source is in the executor's ring of sources with queued jobs. Guarded by the queue lock.</summary>
    internal bool InRing { get; set; }

    internal long AddUnsentAnswerBytes(long bytes) => Interlocked.Add(ref _unsentAnswerBytes, bytes);
}
