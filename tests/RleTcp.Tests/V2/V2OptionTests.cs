using System.Diagnostics;
using System.Net.Sockets;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Rle;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>docs/PROTOCOL.md, "Version 2 / Options": each option, each bad option, and limits that only tighten.</summary>
[Trait("Category", "Socket")]
public class V2OptionTests
{
    [Theory]
    [InlineData(140)]
    [InlineData(1)]
    [InlineData(255)]
    public async Task ThresholdMakesWhiteExactlyTheSamplesAtOrAboveTheLevel(int level)
    {
        using BitImage image = await CompressAsync(new V2RequestOptions { Conversion = V2Conversion.Threshold, ThresholdLevel = (byte)level }, V2Images.Ramp());

        for (int x = 0; x < 256; x++)
        {
            Assert.Equal(x >= level, image[x, 0]);
        }
    }

    [Fact]
    public async Task ThresholdConversionWithoutALevelUses128AndALevelAloneImpliesThreshold()
    {
        using BitImage plain = await CompressAsync(new V2RequestOptions { Conversion = V2Conversion.Threshold }, V2Images.Ramp());
        using BitImage levelOnly = await CompressAsync(new V2RequestOptions { ThresholdLevel = 200 }, V2Images.Ramp());

        Assert.False(plain[127, 0]);
        Assert.True(plain[128, 0]);
        Assert.False(levelOnly[199, 0]);
        Assert.True(levelOnly[200, 0]);
    }

    [Fact]
    public async Task PillowConversionIsTheDefaultAndEqualsV1()
    {
        VectorCase c = Vectors.Get("syn_gray_gradient_512x128.png");
        using BitImage pillow = await CompressAsync(new V2RequestOptions { Conversion = V2Conversion.Pillow }, File.ReadAllBytes(c.InputPath));

        Assert.Equal(File.ReadAllBytes(c.ExpectedPath), RleEncoder.Encode(pillow));
    }

    [Fact]
    public async Task InvertSwapsBlackAndWhiteAfterConversion()
    {
        VectorCase c = Vectors.Get("syn_photo_rgb_480x320.png");
        using BitImage inverted = await CompressAsync(new V2RequestOptions { Invert = true }, File.ReadAllBytes(c.InputPath));
        using BitImage expected = RleDecoder.Decode(File.ReadAllBytes(c.ExpectedPath));
        expected.Invert();

        Assert.Equal(expected, inverted);
    }

    [Fact]
    public async Task PageSelectsATiffPageAndAGifFrameAndOutOfRangeIsAClearInvalidImage()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            byte[] tiff = V2Images.MultiPageTiff(3, 20, 10);
            V2Answer page1 = await client.CallAsync(V2Op.Compress, 1, new V2RequestOptions { Page = 1 }, tiff);
            V2Answer page2 = await client.CallAsync(V2Op.Compress, 2, new V2RequestOptions { Page = 2 }, tiff);
            V2Answer page3 = await client.CallAsync(V2Op.Compress, 3, new V2RequestOptions { Page = 3 }, tiff);
            V2Answer frame1 = await client.CallAsync(V2Op.Compress, 4, new V2RequestOptions { Page = 1 }, V2Images.ThreeFrameGif());
            V2Answer frame0 = await client.CallAsync(V2Op.Compress, 5, new V2RequestOptions { Page = 0 }, V2Images.ThreeFrameGif());
            V2Answer png1 = await client.CallAsync(V2Op.Compress, 6, new V2RequestOptions { Page = 1 }, V2Images.WorkedExamplePbm);

            // Page k is white when k is odd.
            using BitImage p1 = RleDecoder.Decode(page1.Body);
            using BitImage p2 = RleDecoder.Decode(page2.Body);
            Assert.True(p1[0, 0]);
            Assert.False(p2[0, 0]);
            Assert.Equal(ResponseStatus.InvalidImage, page3.Status);
            Assert.Contains("has 3 pages", page3.Message);
            Assert.True(RleDecoder.Decode(frame1.Body)[0, 0]);
            Assert.False(RleDecoder.Decode(frame0.Body)[0, 0]);
            Assert.Equal(ResponseStatus.InvalidImage, png1.Status);
            Assert.Contains("has 1 page", png1.Message);
        }
    }

    [Theory]
    [InlineData(160, null, 160, 107)]
    [InlineData(null, 100, 150, 100)]
    [InlineData(100, 100, 100, 67)]
    [InlineData(900, 30, 45, 30)]
    public async Task ResizeFitsTheBoxKeepingTheAspectRatio(int? width, int? height, int expectedWidth, int expectedHeight)
    {
        byte[] drawing = File.ReadAllBytes(Vectors.Get("syn_drawing_333x222.pbm").InputPath); // 333 x 222: 3:2
        using BitImage image = await CompressAsync(new V2RequestOptions { Width = (ushort?)width, Height = (ushort?)height }, drawing);

        Assert.Equal((expectedWidth, expectedHeight), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("nearest")]
    [InlineData("box")]
    [InlineData("bilinear")]
    [InlineData("bicubic")]
    [InlineData("lanczos3")]
    public async Task EveryNamedResizeFilterIsAcceptedAndGivesTheAskedSize(string filter)
    {
        byte[] photo = File.ReadAllBytes(Vectors.Get("syn_photo_rgb_480x320.png").InputPath);
        using BitImage image = await CompressAsync(new V2RequestOptions { Width = 384, Filter = filter }, photo);

        Assert.Equal((384, 256), (image.Width, image.Height));
    }

    [Fact]
    public async Task NearestResizeOfABilevelImageByAWholeFactorRepeatsItsPixels()
    {
        using BitImage image = await CompressAsync(new V2RequestOptions { Width = 20, Filter = "nearest", Conversion = V2Conversion.Threshold }, V2Images.WorkedExamplePbm);

        Assert.Equal((20, 4), (image.Width, image.Height));
        Assert.Equal([20, 0, 4, 0, 0x08, 0x8c, 0x08, 0x8c, 0x90, 0x04, 0x90, 0x04], RleEncoder.Encode(image));
    }

    [Fact]
    public async Task TheRleCodecCanBeNamed()
    {
        using BitImage image = await CompressAsync(new V2RequestOptions { Codec = "rle" }, V2Images.WorkedExamplePbm);

        Assert.Equal((10, 2), (image.Width, image.Height));
    }

    public static TheoryData<string, byte, byte[], byte[], string> BadOptions => new()
    {
        { "unknown tag", (byte)V2Op.Compress, [0x63, 0], V2Images.OnePixel, "Unknown option 0x63" },
        { "repeated", (byte)V2Op.Compress, [0x03, 0, 0x03, 0], V2Images.OnePixel, "given twice" },
        { "wrong size", (byte)V2Op.Compress, [0x04, 2, 0, 1], V2Images.OnePixel, "must be 4 bytes" },
        { "cut off", (byte)V2Op.Compress, [0x04, 4, 0], V2Images.OnePixel, "runs past the end" },
        { "conversion 2", (byte)V2Op.Compress, [0x01, 1, 2], V2Images.OnePixel, "conversion must be 0" },
        { "level with pillow", (byte)V2Op.Compress, [0x01, 1, 0, 0x02, 1, 9], V2Images.OnePixel, "pillow conversion" },
        { "invert with a value", (byte)V2Op.Compress, [0x03, 1, 1], V2Images.OnePixel, "no value" },
        { "width 0", (byte)V2Op.Compress, [0x05, 2, 0, 0], V2Images.OnePixel, "width must be at least 1" },
        { "unknown filter", (byte)V2Op.Compress, [0x05, 2, 0, 9, 0x07, 4, .. "sinc"u8], V2Images.OnePixel, "Unknown filter 'sinc'" },
        { "filter alone", (byte)V2Op.Compress, [0x07, 3, .. "box"u8], V2Images.OnePixel, "without a width or height" },
        { "unknown codec", (byte)V2Op.Compress, [0x08, 5, .. "jbig9"u8], V2Images.OnePixel, "Unknown codec 'jbig9'" },
        { "deadline 0", (byte)V2Op.Compress, [0x09, 4, 0, 0, 0, 0], V2Images.OnePixel, "deadline-ms must be at least 1" },
        { "max-pixels 0", (byte)V2Op.Compress, [0x0A, 8, 0, 0, 0, 0, 0, 0, 0, 0], V2Images.OnePixel, "max-pixels must be at least 1" },
        { "format on compress", (byte)V2Op.Compress, [0x0B, 3, .. "png"u8], V2Images.OnePixel, "format does not apply to compress" },
        { "unknown format", (byte)V2Op.Decompress, [0x0B, 3, .. "gif"u8], [1, 0, 1, 0, 1], "Unknown format 'gif'" },
        { "page on info", (byte)V2Op.Info, [0x04, 4, 0, 0, 0, 1], V2Images.OnePixel, "page does not apply to info" },
        { "resize on decompress", (byte)V2Op.Decompress, [0x05, 2, 0, 9], [1, 0, 1, 0, 1], "width/height/filter does not apply to decompress" },
        { "option on ping", (byte)V2Op.Ping, [0x03, 0], [], "invert does not apply to ping" },
        { "body on ping", (byte)V2Op.Ping, [], [1, 2], "has no body" },
        { "cancel body of 3 bytes", (byte)V2Op.Cancel, [], [0, 0, 1], "4-byte id" },
        { "bad UTF-8 codec", (byte)V2Op.Compress, [0x08, 2, 0xC3, 0x28], V2Images.OnePixel, "not valid UTF-8" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task ABadOptionIsABadRequestNamingItAndTheConnectionStaysOpen(string name, byte op, byte[] options, byte[] body, string message)
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync(V2RawClient.Request(op, 11, options, body));
            V2Answer answer = await client.ReadAsync();

            Assert.True(answer.Status == ResponseStatus.BadRequest, $"{name}: {answer.Status} {answer.Message}");
            Assert.Equal(11u, answer.Id);
            Assert.Contains(message, answer.Message);
            Assert.Equal(ResponseStatus.Ok, (await client.CallAsync(V2Op.Ping, 12, V2RequestOptions.None, [])).Status);
        }
    }

    [Fact]
    public async Task ADeadlineShorterThanTheWorkIsAnsweredTimeoutAndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer late = await client.CallAsync(V2Op.Compress, 1, new V2RequestOptions { DeadlineMs = 20 }, V2Images.HugeGrey);
            V2Answer inTime = await client.CallAsync(V2Op.Compress, 2, new V2RequestOptions { DeadlineMs = 10_000 }, V2Images.OnePixel);

            Assert.Equal(ResponseStatus.Timeout, late.Status);
            Assert.Contains("deadline of 20 ms", late.Message);
            Assert.Equal(ResponseStatus.Ok, inTime.Status);
            await Eventually.TrueAsync(() => server.Executor.BusyWorkers == 0);
        }
    }

    [Fact]
    public async Task ADeadlineLongerThanTheServerLimitCannotRaiseIt()
    {
        await using var server = await TestServer.StartAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(50));
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer answer = await client.CallAsync(V2Op.Compress, 1, new V2RequestOptions { DeadlineMs = 600_000 }, V2Images.HugeGrey);

            Assert.Equal(ResponseStatus.Timeout, answer.Status);
            Assert.Contains("server's time limit of 50 ms", answer.Message);
        }
    }

    [Fact]
    public async Task MaxPixelsTightensThePixelLimitButCannotRaiseIt()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPixels = 100_000);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            byte[] photo = File.ReadAllBytes(Vectors.Get("syn_photo_rgb_480x320.png").InputPath); // 153,600 pixels
            byte[] drawing = File.ReadAllBytes(Vectors.Get("syn_drawing_333x222.pbm").InputPath); // 73,926 pixels

            V2Answer raised = await client.CallAsync(V2Op.Compress, 1, new V2RequestOptions { MaxPixels = 1_000_000_000_000 }, photo);
            V2Answer tightened = await client.CallAsync(V2Op.Compress, 2, new V2RequestOptions { MaxPixels = 70_000 }, drawing);
            V2Answer within = await client.CallAsync(V2Op.Compress, 3, new V2RequestOptions { MaxPixels = 80_000 }, drawing);
            V2Answer resizedOver = await client.CallAsync(V2Op.Compress, 4, new V2RequestOptions { MaxPixels = 80_000, Width = 400 }, drawing);

            Assert.Equal(ResponseStatus.ImageTooLarge, raised.Status);
            Assert.Equal(ResponseStatus.ImageTooLarge, tightened.Status);
            Assert.Contains("limit is 70000", tightened.Message);
            Assert.Equal(ResponseStatus.Ok, within.Status);
            Assert.Equal(ResponseStatus.ImageTooLarge, resizedOver.Status);
        }
    }

    [Fact]
    public async Task AResetConnectionWithA40MegapixelImageFreesEveryWorkerWellBeforeTheImageWouldBeDone()
    {
        await using var server = await TestServer.StartAsync();

        // The full processing time of the image on this machine, for the comparison.
        (V2RawClient timing, _) = await V2RawClient.ConnectAsync(server);
        long start = Stopwatch.GetTimestamp();
        await using (timing)
        {
            Assert.Equal(ResponseStatus.Ok, (await timing.CallAsync(V2Op.Compress, 1, V2RequestOptions.None, V2Images.HugeGrey)).Status);
        }

        TimeSpan full = Stopwatch.GetElapsedTime(start);

        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await client.SendAsync(V2Op.Compress, 1, V2RequestOptions.None, V2Images.HugeGrey);
        await Eventually.TrueAsync(() => server.Executor.BusyWorkers > 0);
        client.Frames.Socket.LingerState = new LingerOption(true, 0); // close = RST
        long reset = Stopwatch.GetTimestamp();
        client.Frames.Socket.Close();
        await Eventually.TrueAsync(() => server.Executor.BusyWorkers == 0);
        TimeSpan freed = Stopwatch.GetElapsedTime(reset);

        Assert.True(freed < full / 2, $"The workers were freed {freed.TotalMilliseconds:F0} ms after the reset; the whole image takes {full.TotalMilliseconds:F0} ms.");
        await Eventually.TrueAsync(() => server.Logs.Entries.Any(e => e.Message.Contains("cancelled by the connection's end", StringComparison.Ordinal)));
    }

    private static async Task<BitImage> CompressAsync(V2RequestOptions options, byte[] image)
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer answer = await client.CallAsync(V2Op.Compress, 1, options, image);
            Assert.True(answer.Status == ResponseStatus.Ok, $"{answer.Status}: {answer.Message}");
            BitImage decoded = RleDecoder.Decode(answer.Body);
            Assert.Equal(((uint)decoded.Width, (uint)decoded.Height), (answer.Fields.Width!.Value, answer.Fields.Height!.Value));
            return decoded;
        }
    }
}
