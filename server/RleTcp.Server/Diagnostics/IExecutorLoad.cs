namespace RleTcp.Server.Diagnostics;

/// <summary>
/// What the observable instruments read from the executor. An interface here, because the executor (Execution) sits
/// above the metrics and hands itself in; the metrics never name it.
/// </summary>
internal interface IExecutorLoad
{
    /// <summary>The number of worker threads.</summary>
    int Workers { get; }

    /// <summary>Requests waiting for a worker now.</summary>
    int QueuedCount { get; }

    /// <summary>Workers running a request or a band now.</summary>
    int BusyWorkers { get; }
}
