using System.Globalization;

using RleTcp.Tests.Fuzz;
using RleTcp.Tests.Support;

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
    /// A legitimate 4000x4000 noisy colour JPEG, progressive, 4:4:4, quality 95 (made by Pillow 9.4): it takes libjpeg-turbo
    /// (the intake's JPEG decoder) about 780 ms on a quiet machine and ImageSharp longer, so with a 500 ms deadline it
    /// stands for any decode that does not finish in time, and stays on the library path whatever our own readers learn.
    /// (The baseline JPEG of the same noise took libjpeg-turbo about 310 ms, which a deadline test could miss.)
    /// </summary>
    public static byte[] SlowJpeg => SlowJpegBytes.Value;

    private static readonly Lazy<byte[]> SlowJpegBytes = new(() => BuildNoisyProgressiveJpeg(4000, 4000));

    private const string NoisyProgressiveJpegScript = """
        import random, sys
        from PIL import Image, ImageFile
        ImageFile.MAXBLOCK = 1 << 28  # a progressive JPEG is written in one block
        width, height, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        noise = random.Random(10).randbytes(width * height * 3)
        Image.frombytes("RGB", (width, height), noise).save(path, "JPEG", quality=95, progressive=True, subsampling=0)
        """;

    private static byte[] BuildNoisyProgressiveJpeg(int width, int height)
    {
        string folder = Directory.CreateTempSubdirectory("rletcp-slow-jpeg-").FullName;
        try
        {
            string script = Path.Combine(folder, "noisy_progressive_jpeg.py");
            string jpeg = Path.Combine(folder, "slow.jpg");
            File.WriteAllText(script, NoisyProgressiveJpegScript);
            PillowScript.Run(script, TimeSpan.FromSeconds(120), width.ToString(CultureInfo.InvariantCulture),
                height.ToString(CultureInfo.InvariantCulture), jpeg);
            return File.ReadAllBytes(jpeg);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
