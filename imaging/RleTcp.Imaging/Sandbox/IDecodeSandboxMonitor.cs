namespace RleTcp.Imaging.Sandbox;

/// <summary>Why a decode worker process ended.</summary>
public enum DecodeWorkerEnd
{
    /// <summary>Killed because its request's deadline passed (or the request was cancelled).</summary>
    Deadline,

    /// <summary>It died on its own (crash, killed from outside) or answered out of step.</summary>
    Crashed,

    /// <summary>A decode hit its memory cap; it answered ImageTooLarge and exited.</summary>
    MemoryCap,

    /// <summary>The sandbox was disposed.</summary>
    Shutdown,
}

/// <summary>Receives the sandbox's events, e.g. for metrics (the server's meter implements it).</summary>
public interface IDecodeSandboxMonitor
{
    /// <summary>A worker process was started (<paramref name="replacement"/>: in place of one that ended).</summary>
    void WorkerStarted(bool replacement);

    /// <summary>A worker process ended for <paramref name="reason"/>.</summary>
    void WorkerEnded(DecodeWorkerEnd reason);
}
