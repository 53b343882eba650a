using System.Buffers;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// The work of one small request (the 256x256 1-bit PNG crop of the vectors, as in the end-to-end load) outside the
/// server: what intake and encoding cost and allocate per request, to read the server's per-request figures against.
/// </summary>
[MemoryDiagnoser]
public class SmallRequestBenchmarks
{
    private byte[] _png = null!;
    private BitImage _image = null!;
    private ArrayBufferWriter<byte> _output = null!;

    /// <summary>Loads the crop.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _png = File.ReadAllBytes(VectorFiles.PathOf("crop_libtasn1_p15_256.png"));
        _image = ImageIntake.Decode(_png, IntakeOptions.Default);
        _output = new ArrayBufferWriter<byte>(_image.Width * _image.Height);
    }

    /// <summary>PNG bytes to packed bits (the 1-bit PNG fast path), the image disposed as the server does.</summary>
    [Benchmark]
    public int Intake()
    {
        using BitImage image = ImageIntake.Decode(_png, IntakeOptions.Default);
        return image.Height;
    }

    /// <summary>Packed bits to RLE into a reused buffer.</summary>
    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        RleEncoder.Encode(_image, _output);
        return _output.WrittenCount;
    }
}
