using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

[Trait("Category", "Socket")]
public class RleCompressionResultTests
{
    [Fact]
    public async Task OkAnswerIsReturnedWithWidthAndHeightFromItsHeader()
    {
        BitImage image = TestImages.Runs(301, 17, seed: 5);
        byte[] rle = RleEncoder.Encode(image);
        await using var peer = new ScriptedPeer(async stream =>
        {
            while (await ScriptedPeer.ReadFrameAsync(stream) is not null)
            {
                await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, rle);
            }
        });
        await using var client = await RleTcpClient.ConnectAsync("127.0.0.1", peer.Port);

        RleCompressionResult result = await client.CompressAsync(new byte[] { 1 });

        Assert.Equal(rle, result.Rle);
        Assert.Equal(301, result.Width);
        Assert.Equal(17, result.Height);
        Assert.Equal(image, result.ToBitImage());
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 1, 0, 0x81 })]
    public void BodyWithoutAValidHeaderIsRefused(byte[] body)
    {
        Assert.Throws<InvalidDataException>(() => RleCompressionResult.FromRle(body));
    }
}
