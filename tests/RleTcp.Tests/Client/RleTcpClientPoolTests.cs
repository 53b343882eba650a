using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Client;

[Trait("Category", "Socket")]
public class RleTcpClientPoolTests
{
    [Fact]
    public async Task BurstOfRequestsIsSpreadOverAtMostSizeConnections()
    {
        await using var peer = ScriptedPeer.Echo();
        await using var pool = new RleTcpClientPool("127.0.0.1", peer.Port, connections: 3);

        RleTcpResponse[] answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => pool.SendAsync(BitConverter.GetBytes(i))));

        for (int i = 0; i < answers.Length; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(answers[i].Body));
        }

        Assert.Equal(3, peer.Accepted);
        Assert.Equal(3, pool.OpenConnections);
    }

    [Fact]
    public async Task ConnectionClosedByTheServerIsReplacedOnTheNextRequest()
    {
        await using var peer = new ScriptedPeer(async stream =>
        {
            byte[]? payload = await ScriptedPeer.ReadFrameAsync(stream);
            await ScriptedPeer.WriteAnswerAsync(stream, ResponseStatus.Ok, payload);
        });
        await using var pool = new RleTcpClientPool("127.0.0.1", peer.Port, connections: 1);

        RleTcpClient first = await pool.GetClientAsync();
        Assert.Equal(new byte[] { 1 }, (await pool.SendAsync(new byte[] { 1 })).Body);
        await Eventually.TrueAsync(() => !first.IsConnected, "the client never saw the server's close");

        Assert.Equal(new byte[] { 2 }, (await pool.SendAsync(new byte[] { 2 })).Body);
        Assert.Equal(2, peer.Accepted);
    }
}
