using System.Buffers;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// The compute half of "2 workers are 1.6x faster than 1 on the big image", without the network: the 7200x5600
/// line art encoded as one band on one thread (the baseline) against two half-height bands on two threads
/// (<see cref="RleEncoder.EncodeRows"/> into separate buffers, as the server's bands are).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class BandedEncodeBenchmarks
{
    private BitImage _image = null!;
    private ArrayBufferWriter<byte> _top = null!;
    private ArrayBufferWriter<byte> _bottom = null!;

    /// <summary>The image (one value; here so the MPix/s column knows the pixel count).</summary>
    [Params(BenchImage.LineArt)]
    public BenchImage Image { get; set; }

    /// <summary>Makes the image and two buffers that never grow.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchImages.Create(Image);
        int encoded = RleEncoder.Encode(_image).Length;
        _top = new ArrayBufferWriter<byte>(encoded + _image.Width);
        _bottom = new ArrayBufferWriter<byte>(encoded + _image.Width);
    }

    /// <summary>All rows on the calling thread.</summary>
    [Benchmark(Baseline = true)]
    public int OneThread()
    {
        _top.ResetWrittenCount();
        RleEncoder.EncodeRows(_image, 0, _image.Height, _top);
        return _top.WrittenCount;
    }

    /// <summary>The top and bottom halves on two threads (the caller and one pool thread).</summary>
    [Benchmark]
    public int TwoThreads()
    {
        _top.ResetWrittenCount();
        _bottom.ResetWrittenCount();
        int half = _image.Height / 2;
        Parallel.Invoke(
            () => RleEncoder.EncodeRows(_image, 0, half, _top),
            () => RleEncoder.EncodeRows(_image, half, _image.Height - half, _bottom));
        return _top.WrittenCount + _bottom.WrittenCount;
    }
}
