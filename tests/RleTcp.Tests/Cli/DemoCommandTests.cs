using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests.Cli;

[Trait("Category", "ChildProcess")]
public class DemoCommandTests
{
    [Fact]
    public async Task DemoRunsItsOwnServerAndWritesInputsRleAndDecodedPictures()
    {
        using var temp = new TempDirectory();

        ProcessResult result = await Rletcp.RunAsync(temp.Path, "demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        string demo = temp.Combine("rletcp-demo");
        string[] inputs = ["line-art.png", "text-page.bmp", "grey-gradient.png", "halftone.pbm"];
        foreach (string input in inputs)
        {
            string name = Path.GetFileNameWithoutExtension(input);
            byte[] rle = File.ReadAllBytes(Path.Combine(demo, name + ".rle"));
            Assert.Equal(RleCompressor.Compress(File.ReadAllBytes(Path.Combine(demo, input)), new IntakeOptions()), rle);
            byte[] decodedPng = File.ReadAllBytes(Path.Combine(demo, name + ".decoded.png"));
            Assert.Equal(rle, RleCompressor.Compress(decodedPng, new IntakeOptions())); // a 1-bit PNG converts as a copy
            Assert.Contains(input, result.StandardOutput);
        }

        Assert.Contains("embedded RleTcp server listening on 127.0.0.1:", result.StandardOutput);
    }
}
