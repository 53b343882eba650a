using System.Buffers.Binary;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Server;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// The bad-input matrix of issue 6: every row checks the status, whether the connection stays open or is closed, and
/// that a fresh client is then served correctly. Rows the server tests already check the same way are not repeated;
/// they are listed here so the matrix reads whole:
/// <list type="bullet">
/// <item>declared length 0 (ping): <see cref="ServerProtocolTests.APingIsAnsweredWithTheNineBytesOfAnEmptyOkFrame"/>;</item>
/// <item>declared length 2^63: <see cref="ServerLimitTests.ADeclaredLengthOfTwoToThe63IsFrameTooLargeAndTheConnectionCloses"/>;</item>
/// <item>a header cut at 3 bytes, a payload cut in the middle, a stall inside the header or 12 bytes into the payload:
/// <see cref="ServerLimitTests"/>;</item>
/// <item>random payload bytes in a valid frame, half a PNG, a third of a BMP, a BMP with a 2 GB pixel offset, a hand-built
/// PNG declaring 60000×60000, 1×70000 and 65536×1: <see cref="ServerImageTests.ARefusedImageGetsItsStatusAndMessageAndTheConnectionStaysOpen"/>.</item>
/// </list>
/// </summary>
public class BadInputMatrixTests(SharedImageServer shared) : IClassFixture<SharedImageServer>
{
    private TestServer Server => shared.Server;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomBytesOnTheWireAreReadAsAHeaderThatIsTooLargeAndTheConnectionCloses(int seed)
    {
        byte[] noise = new byte[4096];
        new Random(seed).NextBytes(noise);
        ulong declared = BinaryPrimitives.ReadUInt64BigEndian(noise);
        Assert.True(declared > (ulong)new RleTcpServerOptions().MaxFrameBytes, $"seed {seed} declares only {declared}: pick another seed");
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendRawAsync(noise);

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.FrameTooLarge, answer.Status);
        Assert.Contains(declared.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Message);
        await client.AssertClosedAsync();
        await Hardening.AssertFreshClientIsServedAsync(Server);
    }

    /// <summary>One file per format; strict formats must refuse every cut, lenient decoders (see the row) may fill a cut tail.</summary>
    public static TheoryData<string, string, bool> TruncatedFormats() => new()
    {
        { "PNG", "vectors/syn_w1000_runs.png", true },
        { "BMP", "vectors/syn_checker1_301x99.bmp", true },
        { "TIFF", "vectors/syn_drawing_400x300_raw.tif", true },
        { "PBM", "vectors/syn_drawing_333x222.pbm", true },
        // ImageSharp 2.1.13 decodes these without their last bytes (GIF without its trailer, JPEG without EOI, TGA and
        // lossy WebP with the missing pixels left blank, since the intake's allocator only hands out zeroed memory):
        // the server must then give the local intake's status and bytes, and refuse any cut inside the header.
        { "GIF", "vectors/syn_palette16_320x240.gif", false },
        { "JPEG", "corpus/gen-q50.jpg", false },
        { "TGA", "corpus/gen-rle24.tga", false },
        { "WebP", "corpus/gen-lossy.webp", false },
    };

    [Theory]
    [MemberData(nameof(TruncatedFormats))]
    public async Task AnImageTruncatedAtSeveralPointsIsRefusedAsTheIntakeRefusesItAndTheConnectionStaysOpen(string format, string source, bool strict)
    {
        byte[] whole = source.StartsWith("vectors/", StringComparison.Ordinal)
            ? Hardening.Input(source["vectors/".Length..])
            : File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, "fuzz", "corpus", "intake", source["corpus/".Length..]));
        int[] cuts = [1, 8, whole.Length / 4, whole.Length / 2, whole.Length - 1];
        await using FrameClient client = await Server.ConnectAsync();

        // Pipelined on one connection: each refusal must leave it in step for the next request.
        await client.SendRawAsync(cuts.SelectMany(c => FrameClient.Frame(whole.AsSpan(0, c))).ToArray());
        foreach (int cut in cuts)
        {
            Answer answer = await client.ReadAnswerAsync();
            (ResponseStatus status, byte[]? rle) = Hardening.Local(whole.AsMemory(0, cut));
            if (strict || cut <= 8)
            {
                Assert.True(answer.Status == ResponseStatus.InvalidImage, $"{format} cut at {cut} of {whole.Length}: {answer}");
            }

            Assert.True(status == answer.Status, $"{format} cut at {cut}: the server answered {answer}, the intake says {status}");
            if (rle is not null)
            {
                Assert.Equal(rle, answer.Body);
            }
        }

        await Hardening.AssertOpenAsync(client);
        await Hardening.AssertFreshClientIsServedAsync(Server);
        Hardening.AssertNoServerFault(Server);
    }

    [Fact]
    public async Task AValidHeaderWhosePayloadNeverComesGetsTimeoutAndTheConnectionCloses()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.FrameTimeout = TimeSpan.FromMilliseconds(300));
        await using FrameClient client = await server.ConnectAsync();

        await client.SendRawAsync(FrameClient.Header(1000));

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Timeout, answer.Status);
        await client.AssertClosedAsync();
        await Hardening.AssertFreshClientIsServedAsync(server);
        Hardening.AssertNoServerFault(server);
    }

    [Theory]
    [InlineData(1UL << 31)]
    [InlineData(1UL << 32)]
    [InlineData(ulong.MaxValue)]
    public async Task AHugeDeclaredLengthIsFrameTooLargeFromTheHeaderAloneAndTheConnectionCloses(ulong declared)
    {
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendRawAsync(FrameClient.Header(declared)); // not one payload byte follows

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.FrameTooLarge, answer.Status);
        Assert.Contains(declared.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Message);
        await client.AssertClosedAsync();
        await Hardening.AssertFreshClientIsServedAsync(Server);
    }

    [Fact]
    public async Task ADeclaredLengthOfOneIsAnInvalidImageAndTheConnectionStaysOpen()
    {
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendFrameAsync([0x89]);

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.InvalidImage, answer.Status);
        await Hardening.AssertOpenAsync(client);
        await Hardening.AssertFreshClientIsServedAsync(Server);
    }

    public static TheoryData<string, byte[], ResponseStatus> HostileImages() => new()
    {
        { "PNG 0x0", HandBuiltFiles.Png(0, 0, 1, 0, []), ResponseStatus.InvalidImage },
        { "PNG 1x65536", HandBuiltFiles.Png(1, 65536, 1, 0, new byte[16]), ResponseStatus.ImageTooLarge },
        { "74-byte PNG declaring 60000x60000", Hardening.Regression("png-bomb-60000x60000.png"), ResponseStatus.ImageTooLarge },
        { "TIFF with a corrupt CCITT strip", Hardening.Regression("tiff-corrupt-ccitt-strip.tif"), ResponseStatus.InvalidImage },
        { "BMP whose pixel offset and palette size lie", Hardening.Regression("bmp-lying-offset-and-palette.bmp"), ResponseStatus.InvalidImage },
        { "BMP whose palette size lies", HandBuiltFiles.Bmp(8, 1, 1, [0, 0, 0, 0, 255, 255, 255, 0], new byte[4], colorsUsed: 1_000_000), ResponseStatus.InvalidImage },
        { "PNG with a bad IHDR CRC", Hardening.Regression("png-bad-crc.png"), ResponseStatus.InvalidImage },
        { "PNG with a bad IDAT CRC", HandBuiltFiles.Png(8, 1, 1, 0, [0, 0xAA], badIdatCrc: true), ResponseStatus.InvalidImage },
        { "PNG whose zlib stream is truncated", Hardening.Regression("png-truncated-zlib.png"), ResponseStatus.InvalidImage },
        { "GIF declaring a 65535x65535 screen", Hardening.Regression("gif-huge-screen.gif"), ResponseStatus.ImageTooLarge },
    };

    [Theory]
    [MemberData(nameof(HostileImages))]
    public async Task AHostileImageGetsItsStatusAndTheConnectionStaysOpen(string name, byte[] image, ResponseStatus expected)
    {
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendFrameAsync(image);

        Answer answer = await client.ReadAnswerAsync();
        Assert.True(expected == answer.Status, $"{name}: {answer}");
        Assert.False(string.IsNullOrWhiteSpace(answer.Message));
        await Hardening.AssertOpenAsync(client);
        await Hardening.AssertFreshClientIsServedAsync(Server);
        Hardening.AssertNoServerFault(Server);
    }

    [Fact]
    public async Task AGifOfThousandsOfFramesIsAnsweredFromItsFirstFrameAndTheConnectionStaysOpen()
    {
        byte[] gif = Hardening.Regression("gif-3000-frames.gif");
        (ResponseStatus status, byte[]? rle) = Hardening.Local(gif);
        Assert.Equal(ResponseStatus.Ok, status);
        await using FrameClient client = await Server.ConnectAsync();

        await client.SendFrameAsync(gif);

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(rle, answer.Body);
        await Hardening.AssertOpenAsync(client);
        await Hardening.AssertFreshClientIsServedAsync(Server);
    }
}
