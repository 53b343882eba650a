using RleTcp.Client;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>RleTcp.Client over protocol v2 against the real server.</summary>
[Trait("Category", "Socket")]
public class V2DotNetClientTests
{
    [Fact]
    public async Task CompressAsyncWithOptionsIsAnsweredOverV2()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        RleCompressionResult result = await client.CompressAsync(
            V2Images.Ramp(), new V2RequestOptions { ThresholdLevel = 140, Invert = true, Width = 128, Filter = "nearest" });

        Assert.Equal((128, 1), (result.Width, result.Height));
        using BitImage image = result.ToBitImage();
        Assert.True(image[69, 0]);   // sample 138 < 140: black, inverted white
        Assert.False(image[71, 0]);  // sample 142: white, inverted black
    }

    [Fact]
    public async Task ASmallRequestCompletesBeforeAHugeOneSentEarlierOnTheSameClient()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        Task<RleCompressionResult> huge = client.CompressAsync(V2Images.HugeGrey);
        Task<RleCompressionResult> small = client.CompressAsync(V2Images.OnePixel);
        Task first = await Task.WhenAny(huge, small);

        Assert.Same(small, first);
        Assert.Equal((7200, 5600), ((await huge).Width, (await huge).Height));
    }

    [Fact]
    public async Task CancellingTheTokenSendsCancelAndTheServerStopsTheWork()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);
        using var cancel = new CancellationTokenSource();

        Task<RleCompressionResult> huge = client.CompressAsync(V2Images.HugeGrey, V2RequestOptions.None, cancel.Token);
        await Eventually.TrueAsync(() => server.Executor.BusyWorkers > 0);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => huge);
        await Eventually.TrueAsync(() => server.Executor.BusyWorkers == 0);
        await Eventually.TrueAsync(() => server.Logs.Entries.Any(e => e.Message.Contains("cancel of request 1: True", StringComparison.Ordinal)));
        Assert.Equal((1, 1), ((await client.CompressAsync(V2Images.OnePixel)).Width, 1));
    }

    [Fact]
    public async Task InfoAndDecompressAreAvailableOnTheClient()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        RleImageInfo info = await client.InfoAsync(File.ReadAllBytes(Vectors.Get("syn_palette16_320x240.gif").InputPath));
        byte[] pbm = await client.DecompressAsync(new byte[] { 0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02 }, new V2RequestOptions { Format = "pbm" });

        Assert.Equal(new RleImageInfo("GIF", 320, 240, "P", 1), info);
        Assert.Equal("P4\n10 2\n"u8.ToArray(), pbm[..8]);
    }

    [Fact]
    public async Task AServerRefusalOverV2IsARleTcpExceptionWithItsStatusAndMessage()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);

        var error = await Assert.ThrowsAsync<RleTcpException>(() => client.CompressAsync(V2Images.OnePixel, new V2RequestOptions { Codec = "g9" }));

        Assert.Equal(ResponseStatus.BadRequest, error.Status);
        Assert.Contains("Unknown codec 'g9'", error.Message);
    }

    [Fact]
    public async Task MoreConcurrentRequestsThanTheInFlightCapAreQueuedByTheClientNotAnsweredBusy()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxInFlightPerConnection = 2);
        await using var client = await RleTcpClient.ConnectAsync(server.EndPoint);
        byte[] drawing = File.ReadAllBytes(Vectors.Get("syn_drawing_800x600.bmp").InputPath);
        byte[] expected = File.ReadAllBytes(Vectors.Get("syn_drawing_800x600.bmp").ExpectedPath);

        RleCompressionResult[] results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.CompressAsync(drawing)));

        Assert.All(results, r => Assert.Equal(expected, r.Rle));
    }

    [Fact]
    public async Task ThePooledClientWorksOverV2()
    {
        await using var server = await TestServer.StartAsync();
        await using var pool = new RleTcpClientPool("127.0.0.1", server.EndPoint.Port, connections: 2);

        RleCompressionResult[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => pool.CompressAsync(V2Images.WorkedExamplePbm)));

        Assert.All(results, r => Assert.Equal(new byte[] { 0x0a, 0, 0x02, 0, 0x04, 0x86, 0x88, 0x02 }, r.Rle));
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("speaks protocol v2", StringComparison.Ordinal));
    }
}
