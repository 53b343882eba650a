using BenchmarkDotNet.Attributes;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Pillow's Floyd–Steinberg alone, on one core: grey values already in memory to a <see cref="BitImage"/>. The
/// reference row loop (<see cref="PillowBilevel.Dither"/>, what the intake ran before) against the writer the
/// intake runs now (four rows as a wavefront, table look-ups, packed words). ns per pixel = mean / pixels.
/// </summary>
[MemoryDiagnoser]
public class DitherBenchmarks
{
    private byte[] _grey = null!;
    private BitImage _image = null!;

    /// <summary>A 300-dpi letter page (2550x3300) or the 7200x5600 page of issue 14.</summary>
    [Params("2550x3300", "7200x5600")]
    public string Size { get; set; } = "2550x3300";

    private int Width => Size == "2550x3300" ? 2550 : 7200;

    private int Height => Size == "2550x3300" ? 3300 : 5600;

    /// <summary>Scanner-like greys: paper near white with noise, text strokes near black, grey edges.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _grey = ScanGreys(Width, Height);
        _image = new BitImage(Width, Height);
    }

    /// <summary>Scanner-like greys (fixed seed): paper near white with noise, text strokes near black.</summary>
    internal static byte[] ScanGreys(int width, int height)
    {
        byte[] grey = new byte[width * height];
        var random = new Random(14);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool ink = ((x / 9) + (y / 23)) % 7 == 0;
                grey[(y * width) + x] = (byte)Math.Clamp((ink ? 30 : 225) + random.Next(-40, 41), 0, 255);
            }
        }

        return grey;
    }

    /// <summary>Releases the image.</summary>
    [GlobalCleanup]
    public void Cleanup() => _image.Dispose();

    /// <summary>The readable reference, one row at a time, packed through SetRow.</summary>
    [Benchmark(Baseline = true)]
    public int ReferenceRows()
    {
        int[] errors = new int[Width + 1];
        byte[] packed = new byte[BitImage.BytesPerPackedRow(Width)];
        for (int y = 0; y < Height; y++)
        {
            PillowBilevel.Dither(_grey.AsSpan(y * Width, Width), errors, packed);
            _image.SetRow(y, packed);
        }

        return _image.Height;
    }

    /// <summary>The intake's writer: rows in, dithered four at a time, packed straight into the image's words.</summary>
    [Benchmark]
    public int Writer()
    {
        using var writer = new BilevelRowWriter(_image, dither: true);
        for (int y = 0; y < Height; y++)
        {
            writer.WriteGrey(y, _grey.AsSpan(y * Width, Width));
        }

        return _image.Height;
    }
}
