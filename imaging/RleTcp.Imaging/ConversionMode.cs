namespace RleTcp.Imaging;

/// <summary>How grey and colour pixels become black or white.</summary>
public enum ConversionMode
{
    /// <summary>
    /// As Pillow 9.4's <c>Image.open(f).convert('1')</c>: bilevel and palette sources are thresholded on luma
    /// (no dither); grey and colour sources get Pillow's Floyd–Steinberg error diffusion.
    /// </summary>
    Pillow,

    /// <summary>Every source thresholded without dithering: white when luma &gt;= 128.</summary>
    Threshold,
}
