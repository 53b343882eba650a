using System.Diagnostics;
using System.Text;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>Images the v2 tests send, built in code (or with a named external tool, which must be installed).</summary>
internal static class V2Images
{
    private static readonly Lazy<byte[]> Huge = new(() => Pgm(7200, 5600, seed: 7));

    /// <summary>The 10 x 2 PBM of docs/PROTOCOL.md's worked example.</summary>
    public static byte[] WorkedExamplePbm { get; } = [.. "P4\n10 2\n"u8, 0xf0, 0x00, 0x00, 0xc0];

    /// <summary>A 1 x 1 black PBM.</summary>
    public static byte[] OnePixel { get; } = [.. "P4\n1 1\n"u8, 0x80];

    /// <summary>A 7200 x 5600 grey PGM of noise (40 megapixels): seconds of dithering work.</summary>
    public static byte[] HugeGrey => Huge.Value;

    /// <summary>A binary PGM of <paramref name="width"/> x <paramref name="height"/> pseudo-random grey samples.</summary>
    public static byte[] Pgm(int width, int height, int seed)
    {
        byte[] header = Encoding.ASCII.GetBytes($"P5\n{width} {height}\n255\n");
        byte[] file = new byte[header.Length + (width * height)];
        header.CopyTo(file, 0);
        new Random(seed).NextBytes(file.AsSpan(header.Length));
        return file;
    }

    /// <summary>A 256 x 1 PGM whose sample x is x (a grey ramp).</summary>
    public static byte[] Ramp()
    {
        byte[] header = "P5\n256 1\n255\n"u8.ToArray();
        return [.. header, .. Enumerable.Range(0, 256).Select(i => (byte)i)];
    }

    /// <summary>A TIFF of <paramref name="pages"/> bilevel pages of the same size, page k solid white when k is odd; joined by tiffcp.</summary>
    public static byte[] MultiPageTiff(int pages, int width, int height)
    {
        string dir = Path.Combine(Path.GetTempPath(), "rletcp-v2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var inputs = new List<string>();
            for (int k = 0; k < pages; k++)
            {
                using BitImage page = TestImages.Solid(width, height, white: k % 2 == 1);
                string path = Path.Combine(dir, $"p{k}.tif");
                File.WriteAllBytes(path, BitImageTiffWriter.ToTiff(page));
                inputs.Add(path);
            }

            string output = Path.Combine(dir, "all.tif");
            var start = new ProcessStartInfo("tiffcp") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string input in inputs)
            {
                start.ArgumentList.Add(input);
            }

            start.ArgumentList.Add(output);
            using Process tiffcp = Process.Start(start) ?? throw new InvalidOperationException("tiffcp (libtiff-tools) did not start.");
            string errors = tiffcp.StandardError.ReadToEnd();
            Assert.True(tiffcp.WaitForExit(TestServer.Patience), "tiffcp did not finish.");
            Assert.True(tiffcp.ExitCode == 0, $"tiffcp failed: {errors}");
            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>An animated GIF of 3 frames, 4 x 2, frame k's first pixel white only in frame 1 (hand-built, uncompressed LZW).</summary>
    public static byte[] ThreeFrameGif()
    {
        // Screen 4x2, global palette of 2 colours (black, white); each frame a full-screen image descriptor.
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([4, 0, 2, 0, 0x80, 0, 0]);        // 4x2, global table of 2 entries
        gif.AddRange([0, 0, 0, 255, 255, 255]);         // black, white
        for (int k = 0; k < 3; k++)
        {
            gif.AddRange([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // graphic control: 0.1 s delay
            gif.AddRange([0x2C, 0, 0, 0, 0, 4, 0, 2, 0, 0]);
            byte first = (byte)(k == 1 ? 1 : 0);
            gif.Add(2);                                  // LZW minimum code size
            byte[] data = Lzw2([first, 0, 0, 0, 0, 0, 0, 0]);
            gif.Add((byte)data.Length);
            gif.AddRange(data);
            gif.Add(0);
        }

        gif.Add(0x3B);
        return [.. gif];
    }

    // LZW with minimum code size 2 and a clear code before every pixel, so codes stay 3 bits wide: valid and simple.
    private static byte[] Lzw2(byte[] indices)
    {
        var bytes = new List<byte>();
        int acc = 0, bits = 0;
        void Emit(int code)
        {
            acc |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)(acc & 0xFF));
                acc >>= 8;
                bits -= 8;
            }
        }

        foreach (byte index in indices)
        {
            Emit(4); // clear
            Emit(index);
        }

        Emit(5); // end of information
        if (bits > 0)
        {
            bytes.Add((byte)(acc & 0xFF));
        }

        return [.. bytes];
    }
}
