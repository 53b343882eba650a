using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class CodecCommandTests
{
    private const string Drawing = "syn_drawing_333x222.pbm";

    [Theory]
    [InlineData("pbm", ".pbm")]
    [InlineData("png", ".png")]
    [InlineData("g4", ".g4")]
    [InlineData("tiff-g4", ".tif")]
    [InlineData("jbig2", ".jb2")]
    [InlineData("pdf", ".pdf")]
    public async Task CompressLocalWithACodecWritesThatCodecsFileOfTheSameBitsAsTheRle(string codec, string extension)
    {
        using var temp = new TempDirectory();
        string input = temp.CopyVectors(Drawing)[0];
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--local", "--codec", codec, "--dpi", "200", input, "-o", temp.Combine("out")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        byte[] written = File.ReadAllBytes(temp.Combine("out", "syn_drawing_333x222" + extension));
        using BitImage expected = RleDecoder.Decode(File.ReadAllBytes(Vectors.Get(Drawing).ExpectedPath));
        IBilevelCodec used = BilevelCodecs.Get(codec);
        using BitImage decoded = used is Protocol.Codecs.G4.G4Codec g4 ? g4.Decode(written, 333, long.MaxValue) : used.Decode(written, long.MaxValue);
        Assert.True(expected.Equals(decoded));
    }

    [Theory]
    [InlineData("jbig2", ".jb2")]
    [InlineData("tiff-g4", ".tif")]
    public async Task CompressWithACodecThroughTheServerWritesTheSameBytesAsLocally(string codec, string extension)
    {
        await using var server = await TestServer.StartAsync();
        using var temp = new TempDirectory();
        string input = temp.CopyVectors(Drawing)[0];

        ProcessResult remote = await Rletcp.RunAsync(
            temp.Path, ["compress", "--codec", codec, input, "-o", temp.Combine("remote"), "--server", $"127.0.0.1:{server.EndPoint.Port}"]);
        ProcessResult local = await Rletcp.RunAsync(temp.Path, ["compress", "--local", "--codec", codec, input, "-o", temp.Combine("local")]);

        Assert.True(remote.ExitCode == 0, remote.ToString());
        Assert.True(local.ExitCode == 0, local.ToString());
        string name = "syn_drawing_333x222" + extension;
        Assert.Equal(File.ReadAllBytes(temp.Combine("local", name)), File.ReadAllBytes(temp.Combine("remote", name)));
    }

    [Fact]
    public async Task EncoderSettingsThroughAServerAreAUsageError()
    {
        using var temp = new TempDirectory();
        string input = temp.CopyVectors(Drawing)[0];
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compress", "--codec", "pdf", "--pdf-image", "g4", input]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--dpi and --pdf-image need --local", result.StandardError);
    }

    [Fact]
    public async Task DecompressRecognisesEveryCodecByItsMagicAndWritesTheSameBits()
    {
        using var temp = new TempDirectory();
        using BitImage expected = RleDecoder.Decode(File.ReadAllBytes(Vectors.Get(Drawing).ExpectedPath));
        var inputs = new List<string>();
        foreach (IBilevelCodec codec in BilevelCodecs.All.Where(c => c.Name != "g4"))
        {
            string path = temp.Combine($"drawing-{codec.Name}{codec.FileExtension}");
            File.WriteAllBytes(path, BilevelCodecs.Encode(codec, expected));
            inputs.Add(path);
        }

        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["decompress", "--format", "pbm", "-o", temp.Combine("out"), .. inputs]);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (IBilevelCodec codec in BilevelCodecs.All.Where(c => c.Name != "g4"))
        {
            Assert.Contains($"  {codec.Name}  333x222", result.StandardOutput);
            using BitImage back = BilevelCodecs.Get("pbm").Decode(File.ReadAllBytes(temp.Combine("out", $"drawing-{codec.Name}.pbm")), long.MaxValue);
            Assert.True(expected.Equals(back), codec.Name);
        }
    }

    [Fact]
    public async Task DecompressReadsARawG4StreamWhenGivenTheWidth()
    {
        using var temp = new TempDirectory();
        using BitImage expected = RleDecoder.Decode(File.ReadAllBytes(Vectors.Get(Drawing).ExpectedPath));
        File.WriteAllBytes(temp.Combine("drawing.g4"), BilevelCodecs.Encode(BilevelCodecs.Get("g4"), expected));
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["decompress", "--width", "333", "--format", "pbm", temp.Combine("drawing.g4")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using BitImage back = BilevelCodecs.Get("pbm").Decode(File.ReadAllBytes(temp.Combine("drawing.pbm")), long.MaxValue);
        Assert.True(expected.Equals(back));
    }

    [Fact]
    public async Task DecompressOfACorruptTiffNamesTheCodecAndTheByte()
    {
        using var temp = new TempDirectory();
        using BitImage expected = RleDecoder.Decode(File.ReadAllBytes(Vectors.Get(Drawing).ExpectedPath));
        byte[] tiff = BilevelCodecs.Encode(BilevelCodecs.Get("tiff-g4"), expected);
        File.WriteAllBytes(temp.Combine("cut.tif"), tiff[..(tiff.Length - 40)]);
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["decompress", temp.Combine("cut.tif")]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("rletcp: cut.tif: not a valid tiff-g4 file: Invalid tiff-g4 data at byte", result.StandardError.Trim());
    }

    [Fact]
    public async Task ComparePrintsOneRowPerCodecWithItsBytes()
    {
        using var temp = new TempDirectory();
        string input = temp.CopyVectors(Drawing)[0];
        ProcessResult result = await Rletcp.RunAsync(temp.Path, ["compare", input]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using BitImage bits = ImageIntake.Decode(File.ReadAllBytes(input), new IntakeOptions());
        foreach (IBilevelCodec codec in BilevelCodecs.All)
        {
            int bytes = BilevelCodecs.Encode(codec, bits).Length;
            Assert.Matches($@"(?m)^  {System.Text.RegularExpressions.Regex.Escape(codec.Name)} +{bytes} ", result.StandardOutput);
        }
    }
}
