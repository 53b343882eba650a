namespace RleTcp.Protocol.Rle;

/// <summary>Why an RLE byte sequence was refused by <see cref="RleDecoder"/>.</summary>
public enum RleFormatError
{
    /// <summary>Fewer than the 4 header bytes.</summary>
    TruncatedHeader,

    /// <summary>The header's width or height is 0.</summary>
    ZeroDimension,

    /// <summary>A run byte has length 0.</summary>
    ZeroLengthRun,

    /// <summary>A run would continue past the end of its row.</summary>
    RunCrossesRowEnd,

    /// <summary>The data ends before the last row is complete.</summary>
    TruncatedData,

    /// <summary>Bytes follow the last row.</summary>
    TrailingBytes,
}
