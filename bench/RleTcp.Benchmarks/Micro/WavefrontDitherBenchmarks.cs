using BenchmarkDotNet.Attributes;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// One image's Floyd–Steinberg on one thread and on two (<see cref="WavefrontDither"/>: groups of four rows as a
/// wavefront across threads), grey values in memory to a <see cref="BitImage"/>. The goal of issue 14: two threads
/// at least 1.6x faster than one on the 7200x5600 page. Threads = 1 is the caller alone (no thread-pool item).
/// </summary>
[MemoryDiagnoser]
public class WavefrontDitherBenchmarks
{
    private byte[] _grey = null!;
    private BitImage _image = null!;

    /// <summary>The 7200x5600 page of issue 14 or a 300-dpi letter page.</summary>
    [Params("7200x5600", "2550x3300")]
    public string Size { get; set; } = "7200x5600";

    /// <summary>Threads taking part (the caller and Threads - 1 thread-pool items).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private int Width => Size == "2550x3300" ? 2550 : 7200;

    private int Height => Size == "2550x3300" ? 3300 : 5600;

    /// <summary>The same scanner-like greys as <see cref="DitherBenchmarks"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _grey = DitherBenchmarks.ScanGreys(Width, Height);
        _image = new BitImage(Width, Height);
    }

    /// <summary>Releases the image.</summary>
    [GlobalCleanup]
    public void Cleanup() => _image.Dispose();

    /// <summary>The whole page dithered into the image.</summary>
    [Benchmark]
    public int Wavefront()
    {
        WavefrontDither.Dither(_grey, Width, _image, Threads);
        return _image.Height;
    }
}
