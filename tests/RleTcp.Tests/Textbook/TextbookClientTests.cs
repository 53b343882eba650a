using System.Net;
using System.Net.Sockets;
using RleTcp.Client;
using RleTcp.Tests.Client;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Textbook;

/// <summary>
/// <see cref="RleTcpTextbookClient"/> against a server written from the textbook chapter (one request per connection,
/// the answer is the bare .rle bytes, then end of stream), and against scripted peers for the answers such a server
/// could send wrong.
/// </summary>
public class TextbookClientTests
{
    [Fact]
    public async Task TheChaptersServerAnswersEveryVectorWithItsExpectedRleBytes()
    {
        using ChapterServer server = await ChapterServer.StartAsync();
        var client = new RleTcpTextbookClient(new RleTcpEndpoint("127.0.0.1", server.Port));
        var wrong = new List<string>();
        foreach (VectorCase vector in Vectors.All)
        {
            RleCompressionResult result = await client.CompressAsync(await File.ReadAllBytesAsync(vector.InputPath));
            byte[] expected = await File.ReadAllBytesAsync(vector.ExpectedPath);
            if (!result.Rle.AsSpan().SequenceEqual(expected))
            {
                wrong.Add(vector.File);
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task AnImageTheServerRefusesIsAnEmptyAnswerReportedAsClosedWithoutAnAnswer()
    {
        using ChapterServer server = await ChapterServer.StartAsync();
        var client = new RleTcpTextbookClient(new RleTcpEndpoint("127.0.0.1", server.Port));

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.CompressAsync("not an image"u8.ToArray()));

        Assert.Equal(RleTcpConnectionError.Closed, error.Error);
        Assert.Contains("without an answer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-3)] // the last run bytes missing
    [InlineData(+2)] // bytes after the last row
    public async Task AnAnswerWhoseLengthDisagreesWithItsHeaderIsReportedAsMalformed(int lengthChange)
    {
        byte[] rle = await File.ReadAllBytesAsync(Vectors.Get("syn_w255_runs.png").ExpectedPath);
        byte[] answer = lengthChange < 0 ? rle[..^(-lengthChange)] : [.. rle, .. new byte[lengthChange].Select(_ => (byte)0x81)];
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ReadRequestAsync(stream);
            await stream.WriteAsync(answer);
        });
        var client = new RleTcpTextbookClient(new RleTcpEndpoint("127.0.0.1", peer.Port));

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.CompressAsync(new byte[] { 1, 2, 3 }));

        Assert.Equal(RleTcpConnectionError.ProtocolViolation, error.Error);
        Assert.Contains("not a whole RLE image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatNeverClosesIsCutAtTheRequestTimeout()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            await ReadRequestAsync(stream);
            await stream.WriteAsync(new byte[] { 1, 0, 1, 0, 0x81 });
            // Holds the connection open until the client gives up.
            await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false);
        });
        var client = new RleTcpTextbookClient(
            new RleTcpEndpoint("127.0.0.1", peer.Port), new RleTcpClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.CompressAsync(new byte[] { 1 }));

        Assert.Equal(RleTcpConnectionError.RequestTimeout, error.Error);
    }

    [Fact]
    public void TlsOptionsAreRefusedBecauseTheTextbookProtocolHasNoTls()
    {
        var options = new RleTcpClientOptions { Tls = new RleTcpClientTlsOptions() };

        Assert.Throws<ArgumentException>(() => new RleTcpTextbookClient(new RleTcpEndpoint("127.0.0.1", 1), options));
    }

    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        byte[] header = new byte[8];
        await stream.ReadExactlyAsync(header);
        byte[] payload = new byte[checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header))];
        await stream.ReadExactlyAsync(payload);
    }
}
