using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

/// <summary>One server, started once, shared by the image tests of this class.</summary>
public sealed class SharedImageServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The image path through the real server: reference vectors and the image error rows of the status table.</summary>
[Trait("Category", "Socket")]
public class ServerImageTests(SharedImageServer shared) : IClassFixture<SharedImageServer>
{
    private static readonly string[] SmallVectors = Vectors.All.Where(v => (long)v.Width * v.Height <= 70_000).Select(v => v.File).ToArray();

    private TestServer Server => shared.Server;

    private static byte[] Input(string file) => File.ReadAllBytes(Vectors.Get(file).InputPath);

    private static byte[] Expected(string file) => File.ReadAllBytes(Vectors.Get(file).ExpectedPath);

    private static async Task AssertFreshConnectionCompressesAsync(TestServer server)
    {
        await using FrameClient fresh = await server.ConnectAsync();
        await fresh.SendFrameAsync(Input("syn_checker1_301x99.bmp"));
        Answer answer = await fresh.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(Expected("syn_checker1_301x99.bmp"), answer.Body);
    }

    [Theory]
    [MemberData(nameof(Vectors.Names), MemberType = typeof(Vectors))]
    public async Task EveryReferenceImageComesBackByteIdentical(string file)
    {
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendFrameAsync(Input(file));
        Answer answer = await client.ReadAnswerAsync();

        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(Expected(file), answer.Body);
    }

    [Fact]
    public async Task TwoHundredPipelinedImagesComeBackInOrder()
    {
        await using FrameClient client = await Server.ConnectAsync();
        string[] files = Enumerable.Range(0, 200).Select(i => SmallVectors[i % SmallVectors.Length]).ToArray();

        Task sending = client.SendRawAsync(files.SelectMany(f => FrameClient.Frame(Input(f))).ToArray());
        foreach (string file in files)
        {
            Answer answer = await client.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(Expected(file), answer.Body);
        }

        await sending;
    }

    [Fact]
    public async Task SixtyFourConnectionsOfTwentyImagesEachAreAllCorrect()
    {
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async c =>
        {
            await using FrameClient client = await Server.ConnectAsync();
            for (int i = 0; i < 20; i++)
            {
                string file = SmallVectors[(c + i) % SmallVectors.Length];
                await client.SendFrameAsync(Input(file));
                Answer answer = await client.ReadAnswerAsync();
                Assert.Equal(ResponseStatus.Ok, answer.Status);
                Assert.Equal(Expected(file), answer.Body);
            }
        }));
    }

    public static TheoryData<string, byte[], ResponseStatus> ImageErrorRows()
    {
        byte[] page = File.ReadAllBytes(Vectors.Get("page_libtasn1_p30.png").InputPath);
        byte[] bmp = File.ReadAllBytes(Vectors.Get("syn_checker1_301x99.bmp").InputPath);
        byte[] garbage = new byte[4096];
        new Random(11).NextBytes(garbage);
        byte[] hugeOffset = HandBuiltFiles.Bmp(8, 1, 1, [0, 0, 0, 0, 255, 255, 255, 0], new byte[4], pixelOffset: 0x7FFF_FFF0);
        return new TheoryData<string, byte[], ResponseStatus>
        {
            { "garbage bytes", garbage, ResponseStatus.InvalidImage },
            { "not an image (vectors/invalid)", File.ReadAllBytes(Path.Combine(Vectors.InvalidDirectory, "bad_not_an_image.bin")), ResponseStatus.InvalidImage },
            { "truncated PNG", page[..(page.Length / 2)], ResponseStatus.InvalidImage },
            { "truncated BMP", bmp[..(bmp.Length / 3)], ResponseStatus.InvalidImage },
            { "BMP with a huge pixel-data offset", hugeOffset, ResponseStatus.InvalidImage },
            { "PNG declaring 60000x60000", HandBuiltFiles.Png(60000, 60000, 1, 0, new byte[64]), ResponseStatus.ImageTooLarge },
            { "PNG of 1x70000", HandBuiltFiles.Png(1, 70000, 1, 0, new byte[16]), ResponseStatus.ImageTooLarge },
            { "65536x1 (vectors/invalid)", File.ReadAllBytes(Path.Combine(Vectors.InvalidDirectory, "bad_65536x1_too_wide.png")), ResponseStatus.ImageTooLarge },
        };
    }

    [Theory]
    [MemberData(nameof(ImageErrorRows))]
    public async Task ARefusedImageGetsItsStatusAndMessageAndTheConnectionStaysOpen(string name, byte[] payload, ResponseStatus expected)
    {
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendFrameAsync(payload);
        Answer answer = await client.ReadAnswerAsync();

        Assert.True(expected == answer.Status, $"{name}: {answer}");
        Assert.False(string.IsNullOrWhiteSpace(answer.Message));
        await client.AssertPingAsync(); // still open
        await client.SendFrameAsync(Input("syn_w128_runs.png"));
        Assert.Equal(Expected("syn_w128_runs.png"), (await client.ReadAnswerAsync()).Body);
        await AssertFreshConnectionCompressesAsync(Server);
        Assert.Empty(Server.Logs.AtOrAbove(LogLevel.Error));
    }

    [Fact]
    public async Task APageSplitIntoManySmallBandsIsByteIdentical()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.BandPixels = 4096);
        await using FrameClient client = await server.ConnectAsync();

        foreach (string file in new[] { "page_bzip2_p16.bmp", "syn_65535x2_maxwidth.png" })
        {
            await client.SendFrameAsync(Input(file));
            Answer answer = await client.ReadAnswerAsync();
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(Expected(file), answer.Body);
        }
    }

    [Fact]
    public async Task AnImageOverTheConfiguredPixelBudgetIsImageTooLarge()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.MaxPixels = 10_000);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendFrameAsync(Input("syn_checker1_301x99.bmp"));
        Answer answer = await client.ReadAnswerAsync();

        Assert.Equal(ResponseStatus.ImageTooLarge, answer.Status);
        Assert.Contains("10000", answer.Message);
    }

    [Fact]
    public async Task AFormatThatIsNotAllowedIsInvalidImage()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.AllowedFormats = ImageFormats.Png);
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync([.. FrameClient.Frame(Input("syn_checker1_301x99.bmp")), .. FrameClient.Frame(Input("syn_w128_runs.png"))]);

        Answer refused = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.InvalidImage, refused.Status);
        Assert.Contains("not allowed", refused.Message);
        Assert.Equal(Expected("syn_w128_runs.png"), (await client.ReadAnswerAsync()).Body);
    }
}
