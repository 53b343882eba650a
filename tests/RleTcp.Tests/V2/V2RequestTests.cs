using System.Buffers.Binary;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Rle;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>docs/PROTOCOL.md, "Version 2": ids, out-of-order answers, the in-flight cap, and every op.</summary>
[Trait("Category", "Socket")]
public class V2RequestTests
{
    private static readonly byte[] WorkedExampleRle = [0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02];

    [Fact]
    public async Task AnAnswerCarriesTheIdAndOpOfItsRequest()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer ping = await client.CallAsync(V2Op.Ping, 0xDEADBEEF, V2RequestOptions.None, []);
            V2Answer zero = await client.CallAsync(V2Op.Ping, 0, V2RequestOptions.None, []);

            Assert.Equal((ResponseStatus.Ok, 0xDEADBEEFu, (byte)V2Op.Ping), (ping.Status, ping.Id, ping.Op));
            Assert.Empty(ping.Body);
            Assert.Equal(0u, zero.Id);
        }
    }

    [Fact]
    public async Task AOnePixelImageSentAfterA7200x5600OneOnTheSameConnectionIsAnsweredFirst()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync([
                .. V2RawClient.Request(V2Op.Compress, 1, V2RequestOptions.None, V2Images.HugeGrey),
                .. V2RawClient.Request(V2Op.Compress, 2, V2RequestOptions.None, V2Images.OnePixel)]);

            V2Answer first = await client.ReadAsync();
            V2Answer second = await client.ReadAsync();

            Assert.Equal((2u, ResponseStatus.Ok), (first.Id, first.Status));
            Assert.Equal(new byte[] { 1, 0, 1, 0, 0x01 }, first.Body);
            Assert.Equal((1u, ResponseStatus.Ok, 7200u, 5600u), (second.Id, second.Status, second.Fields.Width, second.Fields.Height));
        }
    }

    [Fact]
    public async Task ARequestOverTheInFlightCapIsAnsweredBusyAndTheConnectionStaysUsable()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxInFlightPerConnection = 1);
        (V2RawClient client, V2Answer hello) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            Assert.Equal(1u, hello.Fields.Server!.MaxInFlight);
            await client.SendAsync([
                .. V2RawClient.Request(V2Op.Compress, 1, V2RequestOptions.None, V2Images.HugeGrey),
                .. V2RawClient.Request(V2Op.Compress, 2, V2RequestOptions.None, V2Images.OnePixel),
                .. V2RawClient.Request(V2Op.Ping, 3, V2RequestOptions.None, [])]);

            V2Answer busy = await client.ReadAsync();
            V2Answer ping = await client.ReadAsync();
            V2Answer big = await client.ReadAsync();

            Assert.Equal((2u, ResponseStatus.Busy), (busy.Id, busy.Status));
            Assert.Contains("in flight", busy.Message);
            Assert.Equal((3u, ResponseStatus.Ok), (ping.Id, ping.Status));
            Assert.Equal((1u, ResponseStatus.Ok), (big.Id, big.Status));
            Assert.Equal(ResponseStatus.Ok, (await client.CallAsync(V2Op.Compress, 4, V2RequestOptions.None, V2Images.OnePixel)).Status);
        }
    }

    [Fact]
    public async Task AnIdAlreadyInFlightIsABadRequest()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync([
                .. V2RawClient.Request(V2Op.Compress, 9, V2RequestOptions.None, V2Images.HugeGrey),
                .. V2RawClient.Request(V2Op.Compress, 9, V2RequestOptions.None, V2Images.OnePixel)]);

            V2Answer duplicate = await client.ReadAsync();
            V2Answer original = await client.ReadAsync();

            Assert.Equal((9u, ResponseStatus.BadRequest), (duplicate.Id, duplicate.Status));
            Assert.Contains("already in flight", duplicate.Message);
            Assert.Equal((9u, ResponseStatus.Ok, 7200u), (original.Id, original.Status, original.Fields.Width));
        }
    }

    [Theory]
    [InlineData("page_libtasn1_p01.bmp")]
    [InlineData("syn_photo_rgb_480x320.png")]
    [InlineData("syn_palette16_320x240.gif")]
    [InlineData("syn_drawing_400x300_raw.tif")]
    [InlineData("syn_drawing_333x222.pbm")]
    public async Task CompressWithoutOptionsAnswersTheV1BytesWithWidthHeightAndCodec(string vector)
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            VectorCase c = Vectors.Get(vector);

            V2Answer answer = await client.CallAsync(V2Op.Compress, 5, V2RequestOptions.None, File.ReadAllBytes(c.InputPath));

            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(File.ReadAllBytes(c.ExpectedPath), answer.Body);
            Assert.Equal(((uint)c.Width, (uint)c.Height, "rle"), (answer.Fields.Width!.Value, answer.Fields.Height!.Value, answer.Fields.Codec));
        }
    }

    [Fact]
    public async Task CompressOfSomethingThatIsNotAnImageIsInvalidImageWithTheV1Message()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer answer = await client.CallAsync(V2Op.Compress, 6, V2RequestOptions.None, "abc"u8);

            Assert.Equal(ResponseStatus.InvalidImage, answer.Status);
            Assert.Equal("The payload is not an image in any supported format.", answer.Message);
        }
    }

    [Fact]
    public async Task InfoReadsFormatSizeModeAndFrameCountFromTheHeaderEvenOverThePixelLimit()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPixels = 1000);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            byte[] photo = File.ReadAllBytes(Vectors.Get("syn_photo_rgb_480x320.png").InputPath);

            V2Answer info = await client.CallAsync(V2Op.Info, 1, V2RequestOptions.None, photo);
            V2Answer compress = await client.CallAsync(V2Op.Compress, 2, V2RequestOptions.None, photo);
            V2Answer tiff = await client.CallAsync(V2Op.Info, 3, V2RequestOptions.None, V2Images.MultiPageTiff(3, 20, 10));
            V2Answer gif = await client.CallAsync(V2Op.Info, 4, V2RequestOptions.None, V2Images.ThreeFrameGif());

            Assert.Equal((ResponseStatus.Ok, "PNG", 480u, 320u, "RGB", 1u), (info.Status, info.Fields.Format, info.Fields.Width!.Value, info.Fields.Height!.Value, info.Fields.Mode, info.Fields.Frames!.Value));
            Assert.Empty(info.Body);
            Assert.Equal(ResponseStatus.ImageTooLarge, compress.Status);
            Assert.Equal(("TIFF", 20u, 10u, "1", 3u), (tiff.Fields.Format, tiff.Fields.Width!.Value, tiff.Fields.Height!.Value, tiff.Fields.Mode, tiff.Fields.Frames!.Value));
            Assert.Equal(("GIF", 4u, 2u, "P", 3u), (gif.Fields.Format, gif.Fields.Width!.Value, gif.Fields.Height!.Value, gif.Fields.Mode, gif.Fields.Frames!.Value));
        }
    }

    [Fact]
    public async Task InfoOfSomethingThatIsNotAnImageIsInvalidImage()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            Assert.Equal(ResponseStatus.InvalidImage, (await client.CallAsync(V2Op.Info, 1, V2RequestOptions.None, "not an image"u8)).Status);
        }
    }

    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    [InlineData("pbm")]
    [InlineData("tiff")]
    public async Task DecompressTurnsRleIntoAFileOfTheAskedFormatWithTheSamePixels(string format)
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            byte[] rle = File.ReadAllBytes(Vectors.Get("syn_drawing_333x222.pbm").ExpectedPath);

            V2Answer answer = await client.CallAsync(V2Op.Decompress, 7, new V2RequestOptions { Format = format }, rle);

            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal((333u, 222u, "rle", format), (answer.Fields.Width!.Value, answer.Fields.Height!.Value, answer.Fields.Codec, answer.Fields.Format));
            using BitImage expected = RleDecoder.Decode(rle);
            using BitImage actual = ImageIntake.Decode(answer.Body, IntakeOptions.Default);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task DecompressDefaultsToPngAndInvertSwapsThePixels()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer plain = await client.CallAsync(V2Op.Decompress, 1, V2RequestOptions.None, WorkedExampleRle);
            V2Answer inverted = await client.CallAsync(V2Op.Decompress, 2, new V2RequestOptions { Invert = true }, WorkedExampleRle);

            Assert.Equal("png", plain.Fields.Format);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, plain.Body[..4]);
            using BitImage image = ImageIntake.Decode(inverted.Body, IntakeOptions.Default);
            Assert.Equal([0x0a, 0, 0x02, 0, 0x84, 0x06, 0x08, 0x82], RleEncoder.Encode(image));
        }
    }

    [Fact]
    public async Task DecompressOfBrokenRleIsInvalidImageAndOfTooManyPixelsIsImageTooLarge()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPixels = 100);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer broken = await client.CallAsync(V2Op.Decompress, 1, V2RequestOptions.None, [0x0a, 0, 0x02, 0, 0x04]);
            V2Answer large = await client.CallAsync(V2Op.Decompress, 2, V2RequestOptions.None, [0xff, 0, 0xff, 0, 0x04]);

            Assert.Equal(ResponseStatus.InvalidImage, broken.Status);
            Assert.Equal(ResponseStatus.ImageTooLarge, large.Status);
        }
    }

    [Fact]
    public async Task CancelStopsARequestInFlightWhichIsAnsweredCancelled()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync(V2Op.Compress, 1, V2RequestOptions.None, V2Images.HugeGrey);
            await Eventually.TrueAsync(() => server.Executor.BusyWorkers > 0);
            await client.SendAsync(V2Op.Cancel, 2, V2RequestOptions.None, V2RawClient.CancelBody(1));

            V2Answer a = await client.ReadAsync();
            V2Answer b = await client.ReadAsync();
            V2Answer cancel = a.Id == 2 ? a : b;
            V2Answer cancelled = a.Id == 1 ? a : b;

            Assert.Equal((ResponseStatus.Ok, (bool?)true), (cancel.Status, cancel.Fields.Cancelled));
            Assert.Equal(ResponseStatus.Cancelled, cancelled.Status);
            await Eventually.TrueAsync(() => server.Executor.BusyWorkers == 0);
        }
    }

    [Fact]
    public async Task CancelOfAnIdNotInFlightAnswersOkWithCancelledFalse()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            V2Answer answer = await client.CallAsync(V2Op.Cancel, 3, V2RequestOptions.None, V2RawClient.CancelBody(77));

            Assert.Equal((ResponseStatus.Ok, (bool?)false), (answer.Status, answer.Fields.Cancelled));
        }
    }

    [Fact]
    public async Task AnUnknownOpIsABadRequestWithAMessageAndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync(V2RawClient.Request(42, 8, [], []));
            V2Answer answer = await client.ReadAsync();

            Assert.Equal((ResponseStatus.BadRequest, 8u, (byte)42), (answer.Status, answer.Id, answer.Op));
            Assert.Contains("Unknown op 42", answer.Message);
            Assert.Equal(ResponseStatus.Ok, (await client.CallAsync(V2Op.Ping, 9, V2RequestOptions.None, [])).Status);
        }
    }

    [Fact]
    public async Task FramesTooShortForTheHeadOrWithAnOverlongOptionsBlockAreBadRequests()
    {
        await using var server = await TestServer.StartAsync();
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            byte[] overlong = new byte[9];
            overlong[0] = (byte)V2Op.Ping;
            BinaryPrimitives.WriteUInt32BigEndian(overlong.AsSpan(1), 5);
            BinaryPrimitives.WriteUInt16BigEndian(overlong.AsSpan(5), 100);
            await client.SendAsync([.. FrameClient.Frame([5, 0, 0]), .. FrameClient.Header(0), .. FrameClient.Frame(overlong)]);

            V2Answer shortHead = await client.ReadAsync();
            V2Answer empty = await client.ReadAsync();
            V2Answer overlongOptions = await client.ReadAsync();

            Assert.Equal(ResponseStatus.BadRequest, shortHead.Status);
            Assert.Contains("7 bytes", shortHead.Message);
            Assert.Equal(ResponseStatus.BadRequest, empty.Status);
            Assert.Equal((ResponseStatus.BadRequest, 5u), (overlongOptions.Status, overlongOptions.Id));
            Assert.Contains("declares 100 bytes", overlongOptions.Message);
        }
    }

    [Fact]
    public async Task AFrameOverTheLimitIsAnsweredWithAConnectionLevelAnswerAndClosed()
    {
        await using var server = await TestServer.StartAsync(o => { o.MaxFrameBytes = 1000; o.MaxBufferedRequestBytes = 1000; });
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.SendAsync(FrameClient.Header(5000));
            V2Answer answer = await client.ReadAsync();

            Assert.Equal((ResponseStatus.FrameTooLarge, 0u, (byte)0xFF), (answer.Status, answer.Id, answer.Op));
            await client.Frames.AssertClosedAsync();
        }
    }
}
