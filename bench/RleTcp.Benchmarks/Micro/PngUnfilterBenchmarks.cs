using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// The PNG unfilter alone, block by block as <c>PngReader</c> calls it, on pages whose filter unit is one byte: the
/// grey scans of issue 14 (<see cref="ScanPages"/>, ImageSharp's encoder: Paeth on nearly every row) and the line-art
/// page (<see cref="LineArtGenerator"/>) as 8-bit grey, 8-bit palette and 4-bit grey, and the grey scan with two-byte
/// pixels (16-bit grey, grey+alpha). Round 3's routing (four Paeth
/// rows as a scalar wavefront for grey, rows one at a time with the word-copy predictor otherwise) is the baseline;
/// against it the vector bands (<see cref="PngBandUnfilter"/>) where <c>UnfilterRows</c> now takes them, and the bands
/// forced onto the palette and sub-byte pages (which it leaves on the row path). Every call first restores the
/// filtered rows (<see cref="CopyOnly"/> is that copy alone).
/// </summary>
public class PngUnfilterBenchmarks
{
    private const int BlockBytes = 128 * 1024; // as PngReader

    private byte[] _filtered = null!;
    private byte[] _work = null!;
    private int _rowBytes;
    private int _height;
    private int _bpp;
    private bool _wavefront;

    /// <summary>Which page.</summary>
    [Params("scan-grey.png", "big-grey.png", "scan-grey16.png", "scan-la8.png", "lineart-grey8.png", "lineart-palette8.png", "lineart-grey4.png")]
    public string Page { get; set; } = "scan-grey.png";

    /// <summary>Encodes the page and inflates its scanlines (after a zero row) once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        byte[] png = Encode(Page);
        PngHeader header = PngHeader.Read(png) ?? throw new InvalidOperationException("not a PNG");
        var idat = new List<ReadOnlyMemory<byte>>();
        PngChunks.Read(png, idat);
        using var joined = new MemoryStream();
        foreach (ReadOnlyMemory<byte> chunk in idat)
        {
            joined.Write(chunk.Span);
        }

        joined.Position = 0;
        _rowBytes = (int)header.RowBytes(header.Width);
        _height = header.Height;
        _bpp = Math.Max(1, header.BitsPerPixel / 8);
        _wavefront = header.ColorType != 3 && header.BitsPerPixel >= 8; // as PngReader
        _filtered = new byte[(_rowBytes + 1) * (_height + 1)];
        using var zlib = new ZLibStream(joined, CompressionMode.Decompress);
        zlib.ReadExactly(_filtered.AsSpan(_rowBytes + 1));
        _work = new byte[_filtered.Length];
        var check = (byte[])_filtered.Clone();
        Unfilter(check, Routing.Rows);
        Unfilter(_work, Routing.BandsEverywhere);
        if (!check.AsSpan().SequenceEqual(_work))
        {
            throw new InvalidOperationException("The bands do not give the rows' bytes.");
        }
    }

    /// <summary>Round 3's routing (the baseline).</summary>
    [Benchmark(Baseline = true)]
    public int Rows() => Unfilter(_work, Routing.Rows);

    /// <summary><c>PngReader.UnfilterRows</c> as it routes now.</summary>
    [Benchmark]
    public int Reader() => Unfilter(_work, Routing.Reader);

    /// <summary>The vector bands wherever <see cref="PngBandUnfilter.Pays"/>, whatever the colour type.</summary>
    [Benchmark]
    public int BandsEverywhere() => Unfilter(_work, Routing.BandsEverywhere);

    /// <summary>Restoring the filtered rows alone.</summary>
    [Benchmark]
    public int CopyOnly()
    {
        _filtered.AsSpan().CopyTo(_work);
        return _work[^1];
    }

    private static byte[] Encode(string page)
    {
        if (ScanPages.Files.FirstOrDefault(f => f.Name == page) is { Name: not null } scan)
        {
            return ScanPages.Encode(scan.Width, scan.Height, scan.Encoding);
        }

        if (page is "scan-grey16.png" or "scan-la8.png")
        {
            // The grey scan with two-byte pixels: 16-bit grey, or 8-bit grey with an alpha channel.
            using Image<L8> scanGrey = ScanPages.Grey(2550, 3300);
            using var wide = new MemoryStream();
            scanGrey.Save(wide, page == "scan-grey16.png"
                ? new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 }
                : new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha, BitDepth = PngBitDepth.Bit8 });
            return wide.ToArray();
        }

        using BitImage art = LineArtGenerator.Create(2550, 3300);
        using var grey = new Image<L8>(art.Width, art.Height);
        grey.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new L8(art[x, y] ? (byte)255 : (byte)0);
                }
            }
        });
        PngEncoder encoder = page switch
        {
            "lineart-grey8.png" => new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 },
            "lineart-palette8.png" => new PngEncoder { ColorType = PngColorType.Palette, BitDepth = PngBitDepth.Bit8 },
            _ => new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit4 },
        };
        using var stream = new MemoryStream();
        grey.Save(stream, encoder);
        return stream.ToArray();
    }

    private int Unfilter(byte[] work, Routing routing)
    {
        _filtered.AsSpan().CopyTo(work);
        int stride = _rowBytes + 1;
        int blockRows = Math.Clamp(BlockBytes / stride, 1, _height);
        for (int first = 0; first < _height; first += blockRows)
        {
            int count = Math.Min(blockRows, _height - first);
            switch (routing)
            {
                case Routing.Reader:
                    PngReader.UnfilterRows(work, first + 1, count, stride, _rowBytes, _bpp, _wavefront, first);
                    break;
                case Routing.Rows:
                    RoundThree(work, first + 1, count, stride, first);
                    break;
                default:
                    for (int r = 0; r < count;)
                    {
                        int at = (first + 1 + r) * stride, band = Math.Min(PngBandUnfilter.Rows, count - r);
                        if (PngBandUnfilter.Pays(work, at, band, stride, _rowBytes, _bpp))
                        {
                            PngBandUnfilter.Apply(work, at, band, stride, _rowBytes, _bpp);
                            r += band;
                        }
                        else
                        {
                            PngUnfilter.Apply(work[at], work.AsSpan(at + 1, _rowBytes), work.AsSpan(at - stride + 1, _rowBytes), _bpp, first + r);
                            r++;
                        }
                    }

                    break;
            }
        }

        return work[^1];
    }

    // UnfilterRows before the bands: four Paeth rows as a scalar wavefront on grey, single rows otherwise.
    private void RoundThree(byte[] work, int firstSlot, int count, int stride, int firstY)
    {
        for (int r = 0; r < count;)
        {
            int at = (firstSlot + r) * stride;
            if (_wavefront && r + PngPaethRows.Rows <= count && AllPaeth(work, at, stride))
            {
                PngPaethRows.Apply(work, at + 1, stride, _rowBytes, _bpp);
                r += PngPaethRows.Rows;
                continue;
            }

            PngUnfilter.Apply(work[at], work.AsSpan(at + 1, _rowBytes), work.AsSpan(at - stride + 1, _rowBytes), _bpp, firstY + r);
            r++;
        }
    }

    private static bool AllPaeth(byte[] work, int at, int stride)
    {
        for (int k = 0; k < PngPaethRows.Rows; k++)
        {
            if (work[at + (k * stride)] != 4)
            {
                return false;
            }
        }

        return true;
    }

    private enum Routing
    {
        Rows,
        Reader,
        BandsEverywhere,
    }
}
