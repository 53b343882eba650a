namespace RleTcp.Protocol.Framing;

/// <summary>The outcome of one <see cref="FrameParser"/> call.</summary>
public enum FrameParseStatus
{
    /// <summary>Not enough bytes yet; read more and call again with the same start.</summary>
    Incomplete,

    /// <summary>A header (or, for <see cref="FrameParser.TryParse"/>, a whole frame) was parsed.</summary>
    Parsed,

    /// <summary>
    /// The header declares more than the limit. The header is consumed; the payload is not, and the
    /// peer should get <see cref="ResponseStatus.FrameTooLarge"/> and have its connection closed.
    /// </summary>
    TooLarge,
}
