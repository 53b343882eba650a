namespace RleTcp.Protocol.Bits;

/// <summary>How pixels are packed into the bytes of a row.</summary>
public enum BitOrder
{
    /// <summary>The leftmost pixel is bit 7 of the first byte (PNG, BMP, PBM, TIFF).</summary>
    MsbFirst,

    /// <summary>The leftmost pixel is bit 0 of the first byte.</summary>
    LsbFirst,
}
