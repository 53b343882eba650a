using Microsoft.Extensions.Options;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Server.Execution;
using RleTcp.Server.Configuration;
using RleTcp.Tests.Support;
using RleTcp.Tests.V2;

namespace RleTcp.Tests.Server;

/// <summary>
/// Issue 18: no library exception text or type name goes on the wire. The library decoder here throws what no
/// contract allows (a NullReferenceException quoting ImageSharp's internals, as ImageSharp 2.1.13 did on a short
/// APP14); every answer a client gets for it says only our words.
/// </summary>
[Trait("Category", "Socket")]
public class LibraryExceptionTextTests
{
    private const string Secret = "SixLabors.ImageSharp.Formats.Jpeg.Components.Decoder.HuffmanScanDecoder secret 0xDEAD";

    private sealed class ThrowingLibrary : ILibraryDecoder
    {
        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct) =>
            throw new NullReferenceException(Secret);
    }

    private static async Task<TestServer> StartAsync()
    {
        var processor = new ImageCompressionProcessor(Options.Create(new RleTcpServerOptions()), new ThrowingLibrary());
        return await TestServer.StartAsync(processor: processor);
    }

    // A JPEG: read by no reader of ours, so it goes to the library decoder.
    private static byte[] Jpeg()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(32, 24);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, stream);
        return stream.ToArray();
    }

    private static void AssertOurWords(ResponseStatus status, string message)
    {
        Assert.NotEqual(ResponseStatus.Ok, status);
        Assert.DoesNotContain("secret", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SixLabors", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("NullReference", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AV1AnswerToADecoderThatThrowsSomethingUnexpectedIsInvalidImageInOurWords()
    {
        await using TestServer server = await StartAsync();
        await using FrameClient client = await server.ConnectAsync();

        await client.SendFrameAsync(Jpeg());
        Answer answer = await client.ReadAnswerAsync();

        Assert.Equal(ResponseStatus.InvalidImage, answer.Status);
        AssertOurWords(answer.Status, answer.Message);
        Assert.Contains("JPEG", answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(0, 100)] // a resize: the whole request goes to the library decoder
    public async Task AV2AnswerToADecoderThatThrowsSomethingUnexpectedHoldsNoLibraryText(int page, int? width)
    {
        await using TestServer server = await StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            var options = new V2RequestOptions { Page = (uint)page, Width = (ushort?)width };
            V2Answer answer = await client.CallAsync(V2Op.Compress, 1, options, Jpeg());

            AssertOurWords(answer.Status, answer.Message);
        }
    }
}
