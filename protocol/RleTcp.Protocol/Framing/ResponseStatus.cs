namespace RleTcp.Protocol.Framing;

/// <summary>
/// The first byte of every response payload. The numeric values are part of the wire protocol
/// (docs/PROTOCOL.md) and never change.
/// </summary>
public enum ResponseStatus : byte
{
    /// <summary>The body is the RLE image; empty for a ping.</summary>
    Ok = 0,

    /// <summary>The payload is not an image, is an unsupported format, or is corrupt. The connection stays open.</summary>
    InvalidImage = 1,

    /// <summary>The frame header declared more bytes than the server accepts. The server closes the connection.</summary>
    FrameTooLarge = 2,

    /// <summary>The image is wider or taller than 65535 pixels, or has more pixels than the server's budget.</summary>
    ImageTooLarge = 3,

    /// <summary>The server is at capacity; retrying later is safe.</summary>
    Busy = 4,

    /// <summary>A frame did not arrive in time (connection closed), or the work exceeded its time limit (connection open).</summary>
    Timeout = 5,

    /// <summary>The server failed unexpectedly while handling the request.</summary>
    InternalError = 6,

    /// <summary>Protocol v2 only: the request is malformed (unknown op, unknown or bad option); the connection stays open.</summary>
    BadRequest = 7,

    /// <summary>Protocol v2 only: the request was cancelled by a CANCEL before its answer was ready.</summary>
    Cancelled = 8,
}
