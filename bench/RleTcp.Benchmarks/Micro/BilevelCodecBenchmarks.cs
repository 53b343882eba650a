using System.Buffers;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Every codec's encoder and decoder on the same bits, with the RLE encoder as the baseline (Ratio column = time
/// relative to the textbook RLE). The libtiff and JBIG-KIT comparison is the <c>codecs</c> mode (docs/PERFORMANCE.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CodecConfig))]
public class BilevelCodecBenchmarks
{
    private BitImage _image = null!;
    private ArrayBufferWriter<byte> _output = null!;
    private byte[] _encoded = null!;
    private IBilevelCodec _codec = null!;

    /// <summary>The input.</summary>
    [Params(BenchImage.TextPage, BenchImage.Noise)]
    public BenchImage Image { get; set; }

    /// <summary>The codec (raw g4 is the same encoder as tiff-g4, without the TIFF header).</summary>
    [Params("rle", "png", "tiff-g4", "jbig2", "pdf")]
    public string Codec { get; set; } = "rle";

    /// <summary>Makes the image, the codec's bytes and a large enough output buffer.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchImages.Create(Image);
        _codec = BilevelCodecs.Get(Codec);
        _encoded = BilevelCodecs.Encode(_codec, _image);
        _output = new ArrayBufferWriter<byte>(_encoded.Length * 2);
    }

    /// <summary>Encode into a reused buffer writer.</summary>
    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        _codec.Encode(_image, _output);
        return _output.WrittenCount;
    }

    /// <summary>Decode the codec's own bytes (a pooled image, returned).</summary>
    [Benchmark]
    public int Decode()
    {
        using BitImage image = _codec.Decode(_encoded, long.MaxValue);
        return image.Width;
    }
}
