using System.Buffers;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// The encoder against the memory limit: a copy of the same packed bits is the baseline, so the Ratio column is
/// "encoder time / memcpy time" (the target: within 10x on text pages). EncodeToWriter runs the path the
/// process chose (<c>RleEncoder.Path</c>: AVX-512 VBMI2 on this machine); the Scalar row runs the scalar path.
/// The Min column is the fastest iteration: on the shared 2-core machine it moves far less than the mean.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[Config(typeof(CodecConfig))]
public class RleEncodeBenchmarks
{
    private BitImage _image = null!;
    private ulong[] _copy = null!;
    private ArrayBufferWriter<byte> _output = null!;

    /// <summary>The input.</summary>
    [Params(BenchImage.TextPage, BenchImage.LineArt, BenchImage.Noise)]
    public BenchImage Image { get; set; }

    /// <summary>Makes the image and an output buffer large enough that no benchmark call grows it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = BenchImages.Create(Image);
        _copy = new ulong[_image.Words.Length];
        int encoded = RleEncoder.Encode(_image).Length;
        _output = new ArrayBufferWriter<byte>(encoded + RleEncoder.MaxRowLength(_image.Width));

        // The path is chosen in this process, the benchmark's child: say which one it is in BenchmarkDotNet's log
        // (the host's RleEncoder.Path, which the micro table's row names, need not be the child's).
        Console.WriteLine($"// RleEncoder.Path in the benchmark process: {RleEncoder.Path}");
    }

    /// <summary>The memory limit: copy the packed bits once.</summary>
    [Benchmark(Baseline = true)]
    public void MemcpyPackedBits() => _image.Words.CopyTo(_copy);

    /// <summary>Encode into a reused buffer writer: the steady-state cost, no allocation.</summary>
    [Benchmark]
    public int EncodeToWriter()
    {
        _output.ResetWrittenCount();
        RleEncoder.Encode(_image, _output);
        return _output.WrittenCount;
    }

    /// <summary>The same with the scalar row encoder, whatever the CPU has (the path before issue 14).</summary>
    [Benchmark]
    public int EncodeToWriterScalar() => EncodeWith(RleEncoderPath.Scalar);

    /// <summary>Encode into a new exact-length array (the convenience overload).</summary>
    [Benchmark]
    public int EncodeToArray() => RleEncoder.Encode(_image).Length;

    private int EncodeWith(RleEncoderPath path)
    {
        _output.ResetWrittenCount();
        RleEncoder.Encode(_image, _output, path);
        return _output.WrittenCount;
    }
}
