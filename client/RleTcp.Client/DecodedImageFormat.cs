namespace RleTcp.Client;

/// <summary>The picture formats an RLE image can be turned back into.</summary>
public enum DecodedImageFormat
{
    /// <summary>A 1-bit PNG.</summary>
    Png,

    /// <summary>A 1-bit BMP.</summary>
    Bmp,

    /// <summary>A binary PBM (P4).</summary>
    Pbm,
}
