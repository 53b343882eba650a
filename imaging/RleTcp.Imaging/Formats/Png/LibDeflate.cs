using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The system's libdeflate (<c>libdeflate.so.0</c>, Debian <c>libdeflate0</c>): a one-shot zlib inflater about 1.5x as
/// fast as .NET's <c>ZLibStream</c> on PNG image data. Loaded on first use with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>;
/// <see cref="IsAvailable"/> is false when the library is not installed, and PNG then inflates through
/// <c>ZLibStream</c> alone.
/// </summary>
/// <remarks>
/// It runs in the server process, on hostile bytes, for the reason .NET's own zlib-ng (behind <c>ZLibStream</c>) does:
/// it writes only into the output buffer it is given (its size is ours, from the PNG header, under the pixel limit and
/// the decode budget), allocates nothing while it inflates (decompressors of ~32 KB are made once and reused), takes
/// time linear in its input and output, reports every malformed stream as a return code rather than by a callback or
/// a jump, and is continuously fuzzed upstream (OSS-Fuzz). See docs/DESIGN.md.
/// </remarks>
internal static unsafe class LibDeflate
{
    /// <summary>The library's file name, as the log and the self-description name it.</summary>
    public const string Library = "libdeflate.so.0";

    /// <summary><c>LIBDEFLATE_SUCCESS</c>, <c>LIBDEFLATE_BAD_DATA</c>, <c>LIBDEFLATE_SHORT_OUTPUT</c>, <c>LIBDEFLATE_INSUFFICIENT_SPACE</c>.</summary>
    public const int Success = 0, BadData = 1, ShortOutput = 2, InsufficientSpace = 3;

    /// <summary>Ours: the library could not allocate a decompressor (native memory exhausted); nothing was inflated.</summary>
    public const int NoDecompressor = -1;

    private static readonly Lazy<Api?> s_api = new(Load);

    // Decompressors not in use: one is not thread-safe, and making one per image would allocate ~32 KB each time.
    // As many exist as images ever inflated at once (the executor's workers, normally); never freed.
    private static readonly ConcurrentBag<IntPtr> s_idle = [];

    /// <summary>Whether <c>libdeflate.so.0</c> could be loaded with the functions used here.</summary>
    public static bool IsAvailable => s_api.Value is not null;

    /// <summary>
    /// Inflates the whole zlib stream <paramref name="input"/> into <paramref name="output"/>; returns one of the result
    /// codes and, on success, how many bytes it wrote (fewer than the buffer when the stream ends early).
    /// </summary>
    /// <exception cref="InvalidOperationException">The library is not available.</exception>
    public static int ZlibDecompress(ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        Api api = s_api.Value ?? throw new InvalidOperationException($"{Library} is not loaded.");
        if (!s_idle.TryTake(out IntPtr decompressor))
        {
            decompressor = api.Alloc();
            if (decompressor == IntPtr.Zero)
            {
                written = 0;
                return NoDecompressor;
            }
        }

        nuint actual = 0;
        int result;
        try
        {
            fixed (byte* i = input)
            fixed (byte* o = output)
            {
                result = api.Zlib(decompressor, i, (nuint)input.Length, o, (nuint)output.Length, &actual);
            }
        }
        finally
        {
            s_idle.Add(decompressor);
        }

        written = result == Success ? checked((int)actual) : 0;
        return result;
    }

    private static Api? Load()
    {
        if (!NativeLibrary.TryLoad(Library, out IntPtr handle)
            || !NativeLibrary.TryGetExport(handle, "libdeflate_alloc_decompressor", out IntPtr alloc)
            || !NativeLibrary.TryGetExport(handle, "libdeflate_zlib_decompress", out IntPtr zlib))
        {
            return null;
        }

        return new Api(
            (delegate* unmanaged<IntPtr>)alloc,
            (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint*, int>)zlib);
    }

    private sealed class Api(delegate* unmanaged<IntPtr> alloc, delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint*, int> zlib)
    {
        public delegate* unmanaged<IntPtr> Alloc { get; } = alloc;

        public delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint*, int> Zlib { get; } = zlib;
    }
}
