using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>The decoder against a memcpy of the packed bits it produces (the Ratio column).</summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class RleDecodeBenchmarks
{
    private BitImage _image = null!;
    private ulong[] _copy = null!;
    private byte[] _rle = null!;

    /// <summary>The input, encoded once in setup.</summary>
    [Params(BenchImage.TextPage, BenchImage.LineArt, BenchImage.Noise)]
    public BenchImage Image { get; set; }

    /// <summary>Makes the image and its RLE bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchImages.Create(Image);
        _copy = new ulong[_image.Words.Length];
        _rle = RleEncoder.Encode(_image);
    }

    /// <summary>The memory limit: copy the packed bits once.</summary>
    [Benchmark(Baseline = true)]
    public void MemcpyPackedBits() => _image.Words.CopyTo(_copy);

    /// <summary>Decode into a pooled image, disposed after use as a caller should (steady state: no allocation).</summary>
    [Benchmark]
    public int Decode()
    {
        using BitImage image = RleDecoder.Decode(_rle);
        return image.Height;
    }
}
