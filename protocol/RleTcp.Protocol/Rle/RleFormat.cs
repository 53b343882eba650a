namespace RleTcp.Protocol.Rle;

/// <summary>
/// Constants of the RLE image format (docs/PROTOCOL.md): u16 LE width, u16 LE height, then every row cut into
/// 127-pixel chunks, each chunk written as runs of one byte: bit 7 the value (1 = white), bits 0-6 the length.
/// </summary>
public static class RleFormat
{
    /// <summary>Bytes of the width/height header.</summary>
    public const int HeaderSize = 4;

    /// <summary>Pixels per chunk; a run never crosses a chunk boundary, so it also bounds a run's length.</summary>
    public const int ChunkPixels = 127;

    /// <summary>Bit 7 of a run byte: set for a white run.</summary>
    public const byte WhiteFlag = 0x80;

    /// <summary>Bits 0-6 of a run byte: the run length, 1..127.</summary>
    public const byte LengthMask = 0x7F;
}
