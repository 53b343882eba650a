using System.Net.Sockets;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

[Trait("Category", "Socket")]
public class GracefulShutdownTests
{
    [Fact]
    public async Task StoppingAnswersEveryAcceptedRequestThenClosesAndRefusesNewConnections()
    {
        var processor = new ScriptedProcessor();
        TestServer server = await TestServer.StartAsync(o => o.Workers = 1, processor);
        await using (server)
        {
            await using FrameClient one = await server.ConnectAsync();
            await using FrameClient two = await server.ConnectAsync();
            await one.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Hold("a")), .. FrameClient.Frame(ScriptedProcessor.Echo("b"))]);
            await processor.WaitEnteredAsync();
            await two.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Echo("c")), .. FrameClient.Header(0), .. FrameClient.Frame(ScriptedProcessor.Echo("d"))]);
            await Eventually.TrueAsync(() => server.Executor.QueuedCount == 3);

            // In flight: a (running), b, c, d (queued) and a ping.
            Task stopping = server.StopAsync();
            await Eventually.TrueAsync(() => server.Listener.IsStopping);
            processor.Release();

            Assert.Equal(ScriptedProcessor.Hold("a"), (await one.ReadAnswerAsync()).Body);
            Assert.Equal(ScriptedProcessor.Echo("b"), (await one.ReadAnswerAsync()).Body);
            await one.AssertClosedAsync();
            Assert.Equal(ScriptedProcessor.Echo("c"), (await two.ReadAnswerAsync()).Body);
            Assert.Equal(ResponseStatus.Ok, (await two.ReadAnswerAsync()).Status);
            Assert.Equal(ScriptedProcessor.Echo("d"), (await two.ReadAnswerAsync()).Body);
            await two.AssertClosedAsync();
            await stopping.WaitAsync(TestServer.Patience);

            await Assert.ThrowsAsync<SocketException>(server.ConnectSocketAsync);
        }
    }

    [Fact]
    public async Task ARequestStillRunningAtTheDrainTimeoutIsCutAndTheServerStillStops()
    {
        var processor = new ScriptedProcessor();
        TestServer server = await TestServer.StartAsync(o => o.DrainTimeout = TimeSpan.FromMilliseconds(200), processor);
        await using (server)
        {
            await using FrameClient client = await server.ConnectAsync();
            await client.SendFrameAsync(ScriptedProcessor.Hold());
            await processor.WaitEnteredAsync();

            Task stopping = server.StopAsync();
            // Cut without an answer: an end of stream or a reset, never a frame.
            try
            {
                Assert.Null(await client.ReadAnswerOrEndAsync());
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
            }

            processor.Release(); // let the worker go so the executor can stop
            await stopping.WaitAsync(TestServer.Patience);
        }
    }
}
