using System.Buffers.Binary;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Imaging.Formats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Where the 1-bit PNG intake's time goes, on the line-art page of the other benchmarks (<see cref="LineArtGenerator"/>)
/// written by ImageSharp's 1-bit grey encoder (which filters every row with Paeth): the whole intake (the baseline)
/// against its two stages alone, inflating the IDAT data (zlib, the floor no PNG reader can go under) and
/// unfiltering the inflated rows. The intake against ImageSharp's <c>Image.Load&lt;L8&gt;</c> is in
/// <see cref="ImageIntakeBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class PngIntakeBenchmarks
{
    private const int Width = 7200;
    private const int Height = 5600;

    private byte[] _png = null!;
    private byte[] _idat = null!;
    private byte[] _inflated = null!;
    private byte[] _work = null!;

    /// <summary>Draws and encodes the page, checks the intake reads it back exactly, and inflates it once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using BitImage page = LineArtGenerator.Create(Width, Height);
        _png = BitImageWriter.ToPng(page);
        using BitImage back = ImageIntake.Decode(_png, IntakeOptions.Default);
        if (!back.Equals(page))
        {
            throw new InvalidOperationException("The PNG intake does not give the page back.");
        }

        using var idat = new MemoryStream();
        for (int pos = 8; pos + 12 <= _png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(_png.AsSpan(pos));
            if (_png.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8))
            {
                idat.Write(_png, pos + 8, length);
            }

            pos += 12 + length;
        }

        _idat = idat.ToArray();
        _inflated = new byte[(BitImage.BytesPerPackedRow(Width) + 1) * Height];
        _work = new byte[_inflated.Length];
        InflateOnly();
        _inflated.AsSpan().CopyTo(_work);
    }

    /// <summary>The whole intake as the server runs it: detection, checks, CRCs, inflate, unfilter, packing.</summary>
    [Benchmark(Baseline = true)]
    public int Intake()
    {
        using BitImage image = ImageIntake.Decode(_png, IntakeOptions.Default);
        return image.Height;
    }

    /// <summary>Inflating the IDAT data alone into one buffer (zlib's own speed).</summary>
    [Benchmark]
    public int InflateOnly()
    {
        using var zlib = new ZLibStream(new MemoryStream(_idat, writable: false), CompressionMode.Decompress);
        zlib.ReadExactly(_inflated);
        return _inflated[^1];
    }

    /// <summary>Unfiltering every inflated row in place (after restoring them: a 5 MB copy, ~0.1 ms).</summary>
    [Benchmark]
    public int UnfilterOnly()
    {
        _inflated.AsSpan().CopyTo(_work);
        int stride = BitImage.BytesPerPackedRow(Width) + 1;
        Span<byte> above = new byte[stride - 1];
        for (int y = 0; y < Height; y++)
        {
            Span<byte> row = _work.AsSpan((y * stride) + 1, stride - 1);
            PngUnfilter.Apply(_work[y * stride], row, above, y);
            above = row;
        }

        return _work[^1];
    }
}
