using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// Real inputs that make a library decoder misbehave (issue 10): one that loops forever, one that asks for about a
/// gigabyte, one that is simply slower than a short deadline.
/// </summary>
internal static class HostileImages
{
    /// <summary>
    /// A valid 1x252 greyscale PNG, 4 bits per sample, Adam7-interlaced (Pillow decodes it): ImageSharp 2.1.13's
    /// <c>Image.Load</c> never returns on it (the passes of a 1-pixel-wide image that hold no pixels).
    /// </summary>
    public static byte[] Adam7LoopPng { get; } = BuildAdam7LoopPng();

    /// <summary>A 40-byte lossless WebP that declares 10000x10000 and holds no image data: ImageSharp 2.1.13 allocates
    /// its pixel buffers (about 800 MB) before it finds out.</summary>
    public static byte[] WebpMemoryBomb { get; } = BuildWebpBomb(10_000, 10_000);

    /// <summary>
    /// A legitimate 4000x4000 noisy colour JPEG: ImageSharp takes far more than a few hundred milliseconds on it, so
    /// with a short deadline it stands for any decode that does not finish in time (and stays on the library path
    /// whatever our own readers learn).
    /// </summary>
    public static byte[] SlowJpeg => SlowJpegBytes.Value;

    private static readonly Lazy<byte[]> SlowJpegBytes = new(() => BuildNoisyJpeg(4000, 4000));

    private static byte[] BuildAdam7LoopPng()
    {
        // Adam7 on a 1-pixel-wide image: passes 1, 3, 5 and 7 hold column 0 (32 + 31 + 63 + 126 rows), passes 2,
        // 4 and 6 are empty. Each row is a filter byte (none) and one byte carrying the 4-bit sample.
        var scanlines = new List<byte>();
        foreach (int rows in new[] { 32, 31, 63, 126 })
        {
            for (int y = 0; y < rows; y++)
            {
                scanlines.Add(0);
                scanlines.Add((byte)((y * 37 & 0xF) << 4));
            }
        }

        return HandBuiltFiles.Png(1, 252, bitDepth: 4, colorType: 0, [.. scanlines], interlaced: true);
    }

    private static byte[] BuildWebpBomb(int width, int height)
    {
        // VP8L header: signature 0x2F, then 14 bits width-1, 14 bits height-1, alpha 0, version 0 (LSB first).
        uint bits = (uint)(width - 1) | ((uint)(height - 1) << 14);
        byte[] vp8l = new byte[5 + 7];
        vp8l[0] = 0x2F;
        BinaryPrimitives.WriteUInt32LittleEndian(vp8l.AsSpan(1), bits);
        using var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes("RIFF"));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)(4 + 8 + vp8l.Length));
        file.Write(size);
        file.Write(Encoding.ASCII.GetBytes("WEBPVP8L"));
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)vp8l.Length);
        file.Write(size);
        file.Write(vp8l);
        return file.ToArray();
    }

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
