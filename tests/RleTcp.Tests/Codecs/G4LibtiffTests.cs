using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.TiffG4;
using RleTcp.Tests.Cli;
using RleTcp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Codecs;

/// <summary>
/// Runs libtiff once over the whole corpus (Pillow's group4 writer, tiffcp -c g4, and libtiff reading RleTcp's TIFFs);
/// the tests then compare. libtiff_g4.py says what it writes.
/// </summary>
public sealed class LibtiffG4Fixture : IDisposable
{
    public LibtiffG4Fixture()
    {
        Folder = new TempDirectory();
        foreach ((string name, BitImage image) in CodecCorpus.All())
        {
            Images[name] = image;
            File.WriteAllBytes(Folder.Combine(name + ".pbm"), BitImageWriter.ToPbm(image));
            using var tiff = new ArrayPoolBufferWriter<byte>();
            TiffG4Codec.Instance.Encode(image, tiff, new BilevelEncodeOptions { Dpi = 300 });
            File.WriteAllBytes(Folder.Combine(name + ".ours.tif"), tiff.WrittenSpan.ToArray());
        }

        ChildProcess.RequireOnPath("tiffcp");
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 with Debian's python3-pil is required; .ci/run installs it.");
        string script = Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Codecs", "libtiff_g4.py");
        ProcessResult result = ChildProcess.RunAsync("/usr/bin/python3", [script, Folder.Path], Folder.Path, TimeSpan.FromMinutes(2))
            .GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"libtiff_g4.py failed: {result}");
    }

    internal TempDirectory Folder { get; }

    public Dictionary<string, BitImage> Images { get; } = [];

    public void Dispose() => Folder.Dispose();
}

[Trait("Category", "ChildProcess")]
public class G4LibtiffTests(LibtiffG4Fixture libtiff) : IClassFixture<LibtiffG4Fixture>
{
    [Theory]
    [InlineData("pil")]
    [InlineData("tcp")]
    public void TheG4BitStreamIsByteIdenticalToLibtiffsOnEveryCorpusImage(string producer)
    {
        var failures = new List<string>();
        foreach ((string name, BitImage image) in libtiff.Images)
        {
            string[] info = File.ReadAllText(libtiff.Folder.Combine($"{name}.{producer}.txt")).Split(' ');
            bool whiteIsZero = info[0] == "0";
            int rowsPerStrip = int.Parse(info[1], System.Globalization.CultureInfo.InvariantCulture);
            byte[] expected = File.ReadAllBytes(libtiff.Folder.Combine($"{name}.{producer}.g4"));
            using var ours = new ArrayPoolBufferWriter<byte>();
            for (int first = 0; first < image.Height; first += rowsPerStrip)
            {
                G4Encoder.EncodeRows(image, first, Math.Min(rowsPerStrip, image.Height - first), ours, whiteIsZero);
            }

            if (!ours.WrittenSpan.SequenceEqual(expected))
            {
                int at = ours.WrittenSpan.CommonPrefixLength(expected);
                failures.Add($"{name}: {ours.WrittenCount} bytes vs libtiff's {expected.Length}, first difference at byte {at}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {libtiff.Images.Count} differ ({producer}):\n{string.Join('\n', failures.Take(30))}");
    }

    [Fact]
    public void TheRawG4CodecIsLibtiffsWhiteIsZeroStripAndDecodesBack()
    {
        foreach ((string name, BitImage image) in libtiff.Images)
        {
            using var raw = new ArrayPoolBufferWriter<byte>();
            G4Codec.Instance.Encode(image, raw);
            using var strip = new ArrayPoolBufferWriter<byte>();
            G4Encoder.EncodeRows(image, 0, image.Height, strip, whiteIsZero: true);
            Assert.True(raw.WrittenSpan.SequenceEqual(strip.WrittenSpan), name);
            using BitImage back = G4Codec.Instance.Decode(raw.WrittenSpan, image.Width, long.MaxValue);
            Assert.True(image.Equals(back), name);
        }
    }

    [Fact]
    public void LibtiffDecodesEveryTiffG4OutputToExactlyTheInputBits()
    {
        var failures = new List<string>();
        foreach ((string name, BitImage image) in libtiff.Images)
        {
            byte[] bits = File.ReadAllBytes(libtiff.Folder.Combine(name + ".ours.bits"));
            int rowBytes = BitImage.BytesPerPackedRow(image.Width);
            using BitImage decoded = BitImage.FromPackedRows(bits, image.Width, image.Height, rowBytes, BitOrder.MsbFirst);
            if (!decoded.Equals(image))
            {
                failures.Add(name);
            }
        }

        Assert.True(failures.Count == 0, "libtiff read different bits for: " + string.Join(", ", failures.Take(30)));
    }

    [Fact]
    public void OurTiffG4DecoderReadsPillowsAndTiffcpsFilesToTheSameBits()
    {
        foreach ((string name, BitImage image) in libtiff.Images)
        {
            foreach (string producer in new[] { "pil", "tcp" })
            {
                byte[] file = File.ReadAllBytes(libtiff.Folder.Combine($"{name}.{producer}.tif"));
                Assert.Same(TiffG4Codec.Instance, BilevelCodecs.Detect(file));
                using BitImage decoded = TiffG4Codec.Instance.Decode(file, long.MaxValue);
                Assert.True(image.Equals(decoded), $"{name} ({producer})");
            }
        }
    }

    [Fact]
    public void ImageSharpDecodesEveryTiffG4OutputToExactlyTheInputBits()
    {
        var failures = new List<string>();
        foreach ((string name, BitImage image) in libtiff.Images.Where(i => i.Value.PixelCount < 4_000_000))
        {
            using var decoded = SixLabors.ImageSharp.Image.Load<L8>(File.ReadAllBytes(libtiff.Folder.Combine(name + ".ours.tif")));
            bool same = decoded.Width == image.Width && decoded.Height == image.Height;
            for (int y = 0; same && y < image.Height; y++)
            {
                for (int x = 0; x < image.Width; x++)
                {
                    if ((decoded[x, y].PackedValue >= 128) != image[x, y])
                    {
                        same = false;
                        break;
                    }
                }
            }

            if (!same)
            {
                failures.Add(name);
            }
        }

        Assert.True(failures.Count == 0, "ImageSharp read different bits for: " + string.Join(", ", failures.Take(30)));
    }
}
