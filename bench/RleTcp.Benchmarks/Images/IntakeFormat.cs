namespace RleTcp.Benchmarks.Images;

/// <summary>The encoded forms of an image whose intake has a fast path to packed bits.</summary>
public enum IntakeFormat
{
    /// <summary>1-bit BMP (palette black, white; bottom-up rows), written by <c>BitImageWriter.ToBmp</c>.</summary>
    Bmp1Bit,

    /// <summary>Binary PBM (P4), written by <c>BitImageWriter.ToPbm</c>.</summary>
    Pbm,

    /// <summary>
    /// 1-bit greyscale PNG, written by <c>BitImageWriter.ToPng</c> (ImageSharp's encoder, which picks the Paeth
    /// filter for every row of this image: the slowest filter to undo, one dependent step per byte).
    /// </summary>
    Png1Bit,

    /// <summary>
    /// 1-bit greyscale PNG with the Up filter on every row, like most rows of the Pillow-written vector pages
    /// (page_libtasn1_p30.png: 3002 Up, 152 None, 110 Sub, 36 Paeth).
    /// </summary>
    Png1BitUp,
}
