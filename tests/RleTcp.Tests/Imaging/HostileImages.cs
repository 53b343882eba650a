using RleTcp.Tests.Fuzz;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Real inputs that make a library decoder misbehave (issue 10): one that asks for about a gigabyte (kept in
/// fuzz/regressions/library/, where it also seeds the library fuzz target), and one that is simply slower than a short
/// deadline. The PNG that looped ImageSharp forever is read by our own PNG reader now and reaches no library; a decode
/// that outlives its deadline stands for it, since a worker process never watches the deadline.
/// </summary>
internal static class HostileImages
{
    /// <summary>A 32-byte lossless WebP that declares 10000x10000 and holds no image data: ImageSharp 2.1.13 allocates
    /// its pixel buffers (about 800 MB) before it finds out.</summary>
    public static byte[] WebpMemoryBomb { get; } = FuzzInputs.Read("fuzz/regressions/library/webp-lossless-10000x10000-no-data.webp");

    /// <summary>
    /// A legitimate 4000x4000 noisy colour JPEG: ImageSharp takes far more than a few hundred milliseconds on it, so
    /// with a short deadline it stands for any decode that does not finish in time (and stays on the library path
    /// whatever our own readers learn).
    /// </summary>
    public static byte[] SlowJpeg => SlowJpegBytes.Value;

    private static readonly Lazy<byte[]> SlowJpegBytes = new(() => BuildNoisyJpeg(4000, 4000));

    private static byte[] BuildNoisyJpeg(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        var random = new Random(10);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
            }
        });
        using var output = new MemoryStream();
        image.SaveAsJpeg(output, new JpegEncoder { Quality = 95 });
        return output.ToArray();
    }
}
