using System.Runtime.InteropServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The system's libjpeg-turbo through its TurboJPEG API (<c>libturbojpeg.so.0</c>, Debian <c>libturbojpeg0</c>):
/// the library Debian's Pillow 9.4 decodes JPEG with, with the same defaults (the accurate integer IDCT, fancy
/// upsampling), so its pixels are Pillow's. Loaded on first use; <see cref="IsAvailable"/> is false when the
/// library is not installed, and the intake then decodes JPEG with ImageSharp.
/// </summary>
/// <remarks>
/// Native code on hostile bytes: like every library decode it runs inside the decode worker process (its memory cap
/// and deadline), never in the server. TurboJPEG reports every error, and every warning (corrupt or truncated data),
/// as a return value of -1, without longjmp into our frames.
/// </remarks>
internal static partial class TurboJpeg
{
    /// <summary>TJCS_RGB, TJCS_YCbCr, TJCS_GRAY: the colour spaces Pillow opens as "RGB", "RGB" and "L".</summary>
    public const int ColourSpaceRgb = 0, ColourSpaceYCbCr = 1, ColourSpaceGrey = 2;

    /// <summary>TJPF_RGB and TJPF_GRAY: three bytes per pixel, or one.</summary>
    public const int PixelRgb = 0, PixelGrey = 6;

    private const string Library = "libturbojpeg.so.0";

    private static readonly Lazy<bool> s_available = new(() => NativeLibrary.TryLoad(Library, out _));

    /// <summary>Whether <c>libturbojpeg.so.0</c> could be loaded.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>A decompressor, or <see cref="IntPtr.Zero"/> when it could not be created.</summary>
    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial IntPtr InitDecompress();

    /// <summary>Frees <paramref name="handle"/>.</summary>
    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);

    /// <summary>Reads the frame header: size, chroma subsampling (TJSAMP_*) and colour space (TJCS_*); -1 on error.</summary>
    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static unsafe partial int DecompressHeader(
        IntPtr handle, byte* jpeg, CULong size, out int width, out int height, out int subsampling, out int colourSpace);

    /// <summary>
    /// Decodes the whole image into its raw component planes (Y, then Cb, Cr at their own subsampled size, no
    /// upsampling or colour conversion: what libjpeg's raw-data output gives libtiff's OJPEG codec), each row padded
    /// to <paramref name="pad"/> bytes; -1 on error or warning.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "tjDecompressToYUV2")]
    public static unsafe partial int DecompressToYuv(
        IntPtr handle, byte* jpeg, CULong size, byte* destination, int width, int pad, int height, int flags);

    /// <summary>Decodes the whole image into <paramref name="destination"/> (<c>pitch * height</c> bytes); -1 on error or warning.</summary>
    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static unsafe partial int Decompress(
        IntPtr handle, byte* jpeg, CULong size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);
}
