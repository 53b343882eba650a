namespace RleTcp.Imaging;

/// <summary>The image container formats the intake may accept.</summary>
[Flags]
public enum ImageFormats
{
    /// <summary>No format: every image is refused.</summary>
    None = 0,

    /// <summary>PNG.</summary>
    Png = 1 << 0,

    /// <summary>Windows BMP.</summary>
    Bmp = 1 << 1,

    /// <summary>GIF (first frame only).</summary>
    Gif = 1 << 2,

    /// <summary>TIFF (first frame only).</summary>
    Tiff = 1 << 3,

    /// <summary>Netpbm: PBM, PGM and PPM, ASCII or binary.</summary>
    Pbm = 1 << 4,

    /// <summary>Truevision TGA.</summary>
    Tga = 1 << 5,

    /// <summary>JPEG (lossy: no byte-identity promise with the reference).</summary>
    Jpeg = 1 << 6,

    /// <summary>WebP (no byte-identity promise with the reference).</summary>
    Webp = 1 << 7,

    /// <summary>Every format above.</summary>
    All = Png | Bmp | Gif | Tiff | Pbm | Tga | Jpeg | Webp,
}
