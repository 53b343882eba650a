using System.Buffers.Binary;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using RleTcp.Protocol.Imaging;
using RleTcp.Protocol.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Where the 1-bit PNG intake's time goes, on a 7200x5600 line-art page written by ImageSharp's 1-bit grey encoder
/// (which filters every row with Paeth): the whole intake against ImageSharp's <c>Image.Load&lt;L8&gt;</c> of the
/// same bytes (the baseline; the target is a ratio of 0.05), and its two stages alone: inflating the IDAT
/// data (zlib, the floor no PNG reader can go under) and unfiltering the inflated rows.
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
        using BitImage page = Page();
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

    /// <summary>ImageSharp decoding the same bytes to one byte per pixel.</summary>
    [Benchmark(Baseline = true)]
    public int ImageSharpLoadL8()
    {
        using Image<L8> image = Image.Load<L8>(_png);
        return image.Height;
    }

    /// <summary>The whole intake as the server runs it: detection, checks, CRCs, inflate, unfilter, packing.</summary>
    [Benchmark]
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

    // A deterministic page of text-like glyph strokes in lines, rectangle outlines and thick straight lines on white.
    private static BitImage Page()
    {
        var page = new BitImage(Width, Height);
        page.Fill(white: true);
        var random = new Random(7200);
        for (int line = 300; line + 40 < Height - 300; line += 60)
        {
            for (int x = 300; x < Width - 300; x += 20)
            {
                int letters = random.Next(2, 10);
                for (int g = 0; g < letters && x < Width - 300; g++)
                {
                    int glyphWidth = random.Next(14, 26);
                    for (int stroke = 0; stroke < 3; stroke++)
                    {
                        int sx = x + random.Next(0, glyphWidth - 4), sy = line + random.Next(0, 30);
                        if (random.Next(2) == 0)
                        {
                            Black(page, sx, line, sx + 4, line + 36);
                        }
                        else
                        {
                            Black(page, x, sy, x + glyphWidth, sy + 4);
                        }
                    }

                    x += glyphWidth + 4;
                }
            }
        }

        for (int i = 0; i < 200; i++)
        {
            int x0 = random.Next(Width), y0 = random.Next(Height);
            int x1 = x0 + random.Next(50, 1500), y1 = y0 + random.Next(50, 1500), t = random.Next(2, 8);
            Black(page, x0, y0, x1, y0 + t);
            Black(page, x0, y1 - t, x1, y1);
            Black(page, x0, y0, x0 + t, y1);
            Black(page, x1 - t, y0, x1, y1);
        }

        for (int i = 0; i < 300; i++)
        {
            int x0 = random.Next(Width), y0 = random.Next(Height), length = random.Next(100, 3000);
            double angle = random.NextDouble() * Math.PI;
            for (int k = 0; k < length; k++)
            {
                int x = x0 + (int)(k * Math.Cos(angle)), y = y0 + (int)(k * Math.Sin(angle));
                Black(page, x, y, x + 3, y + 3);
            }
        }

        return page;
    }

    private static void Black(BitImage page, int x0, int y0, int x1, int y1)
    {
        for (int y = Math.Max(y0, 0); y < Math.Min(y1, Height); y++)
        {
            for (int x = Math.Max(x0, 0); x < Math.Min(x1, Width); x++)
            {
                page[x, y] = false;
            }
        }
    }
}
