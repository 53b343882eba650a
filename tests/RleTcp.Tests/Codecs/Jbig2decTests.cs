using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs.Jbig2;
using RleTcp.Protocol.Codecs.Pbm;
using RleTcp.Tests.Cli;

namespace RleTcp.Tests.Codecs;

/// <summary>Debian's jbig2dec (an independent T.88 decoder) must read every JBIG2 output to exactly the input bits.</summary>
[Trait("Category", "ChildProcess")]
public class Jbig2decTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Jbig2decDecodesEveryJbig2OutputToExactlyTheInputBits(bool embedded)
    {
        string jbig2dec = ChildProcess.RequireOnPath("jbig2dec");
        using var folder = new TempDirectory();
        var failures = new List<string>();
        int compared = 0, total = 0;
        foreach ((string name, BitImage image) in CodecCorpus.All(generated: 160))
        {
            total++;
            using var output = new ArrayPoolBufferWriter<byte>();
            if (embedded)
            {
                Jbig2Codec.EncodeEmbedded(image, output);
            }
            else
            {
                Jbig2Codec.Instance.Encode(image, output);
            }

            string input = folder.Combine(name + ".jb2");
            string decoded = folder.Combine(name + ".out.pbm");
            await File.WriteAllBytesAsync(input, output.WrittenSpan.ToArray());
            string[] arguments = embedded ? ["-q", "-e", "-t", "pbm", "-o", decoded, input] : ["-q", "-t", "pbm", "-o", decoded, input];
            ProcessResult result = await ChildProcess.RunAsync(jbig2dec, arguments, folder.Path);
            if (result.ExitCode != 0 || !File.Exists(decoded))
            {
                failures.Add($"{name}: jbig2dec {result}");
                continue;
            }

            using BitImage back = PbmCodec.Instance.Decode(await File.ReadAllBytesAsync(decoded), long.MaxValue);
            compared++;
            if (!back.Equals(image))
            {
                failures.Add($"{name}: different bits");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");
        Assert.Equal(total, compared);
    }
}
