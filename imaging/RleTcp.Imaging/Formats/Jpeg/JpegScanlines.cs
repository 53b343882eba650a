using System.Runtime.InteropServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// libjpeg's scanline decoder (Debian <c>libjpeg62-turbo</c>, the libjpeg-turbo Pillow 9.4 links) through RleTcp's
/// own glue, <c>librletcp_jpeg.so</c> (<c>Native/rletcp_jpeg.c</c>, built beside this assembly when a C compiler and
/// the libjpeg headers are present): the same decoder as <see cref="TurboJpeg"/>, with the same defaults, but a few
/// rows per call, so the dither can run on those rows while the rest decodes. <see cref="IsAvailable"/> is false when
/// the glue or libjpeg is missing; the intake then decodes through TurboJPEG, one whole image per call.
/// </summary>
/// <remarks>
/// The glue exists because libjpeg reports errors by longjmp out of its error handler, which managed code cannot
/// be the target of; every libjpeg call in it runs behind its own setjmp and comes back as a return value. Like every
/// library decode, it runs inside the decode worker process (its memory cap and deadline), never in the server.
/// </remarks>
internal static partial class JpegScanlines
{
    private const string Library = "rletcp_jpeg";

    private static readonly Lazy<bool> s_available = new(() =>
        NativeLibrary.TryLoad(Library, typeof(JpegScanlines).Assembly, null, out _));

    /// <summary>Whether <c>librletcp_jpeg.so</c> (and so libjpeg) could be loaded.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>
    /// Starts decoding <paramref name="jpeg"/> (which must stay pinned until <see cref="Close"/>) to grey when
    /// <paramref name="grey"/> is 1, else RGB; <paramref name="maxMemory"/> bounds libjpeg's allocations. A decoder,
    /// or <see cref="IntPtr.Zero"/> when the header or the start failed.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "rj_open")]
    public static unsafe partial IntPtr Open(byte* jpeg, CULong size, int grey, CLong maxMemory, out int width, out int height);

    /// <summary>Decodes up to <paramref name="rows"/> scanlines, one every <paramref name="pitch"/> bytes: how many, 0 at the end, -1 on error.</summary>
    [LibraryImport(Library, EntryPoint = "rj_read")]
    public static unsafe partial int Read(IntPtr decoder, byte* destination, int pitch, int rows);

    /// <summary>Reads to the end of the image after its last scanline: 0, or -1 on error.</summary>
    [LibraryImport(Library, EntryPoint = "rj_finish")]
    public static partial int Finish(IntPtr decoder);

    /// <summary>How many warnings (corrupt or truncated data libjpeg recovered from) the decoder has emitted.</summary>
    [LibraryImport(Library, EntryPoint = "rj_warnings")]
    public static partial int Warnings(IntPtr decoder);

    /// <summary>Frees the decoder.</summary>
    [LibraryImport(Library, EntryPoint = "rj_close")]
    public static partial void Close(IntPtr decoder);
}
