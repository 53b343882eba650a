namespace RleTcp.Protocol.Rle;

/// <summary>Malformed RLE data: says which rule was broken and at which byte.</summary>
public sealed class RleFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="error"/> at byte <paramref name="offset"/>.</summary>
    public RleFormatException(RleFormatError error, long offset, string detail)
        : base($"Invalid RLE data at byte {offset}: {detail}")
    {
        Error = error;
        Offset = offset;
    }

    /// <summary>The rule that was broken.</summary>
    public RleFormatError Error { get; }

    /// <summary>The offset of the offending byte (for truncation: the length of the data).</summary>
    public long Offset { get; }
}
