namespace RleTcp.Server.Transport;

/// <summary>Why one direction of a connection, or the connection, ended. Every way out is named and logged by it.</summary>
public enum ConnectionEnd
{
    /// <summary>Still open.</summary>
    None,

    /// <summary>The peer sent its FIN (half-close); pending answers are still sent.</summary>
    PeerClosed,

    /// <summary>The server finished with the connection normally.</summary>
    LocalClosed,

    /// <summary>The peer reset the connection or vanished; logged at Debug, not an error.</summary>
    Reset,

    /// <summary>The server cut the connection (shutdown past the drain timeout).</summary>
    Aborted,

    /// <summary>No frame began within the idle timeout; closed quietly.</summary>
    IdleTimeout,

    /// <summary>A frame did not arrive whole within the frame timeout; answered Timeout and closed.</summary>
    FrameTimeout,

    /// <summary>A header declared more than the frame limit; answered FrameTooLarge and closed.</summary>
    FrameTooLarge,

    /// <summary>The peer took no answer bytes for an idle timeout while answers waited: it stopped reading; cut.</summary>
    WriteStalled,

    /// <summary>The server is stopping: it stopped reading and answered what it had accepted.</summary>
    ServerStopping,

    /// <summary>An unexpected server-side failure; logged at Error.</summary>
    Fault,
}
