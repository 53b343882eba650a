using System.Net;
using System.Net.Sockets;
using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Server;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Client;

/// <summary>Several endpoints, spreading, and retries, against real in-process servers over loopback.</summary>
public class RleTcpBalancedClientTests
{
    private static readonly RleTcpRetryPolicy Quick = new() { MaxAttempts = 8, InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(100) };

    private static RleTcpEndpoint Endpoint(TestServer server) => new("127.0.0.1", server.EndPoint.Port);

    private static Task<TestServer> EchoServerAsync(Action<RleTcpServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.Workload = ServerWorkload.FrameEcho;
            configure?.Invoke(o);
        });

    // A loopback port nobody listens on: bound, never listening, so a connect is refused.
    private static (Socket Holder, RleTcpEndpoint Endpoint) RefusingEndpoint()
    {
        var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (holder, new RleTcpEndpoint("127.0.0.1", ((IPEndPoint)holder.LocalEndPoint!).Port));
    }

    [Fact]
    public async Task ConnectionsAreSpreadRoundRobinOverTheEndpoints()
    {
        await using TestServer a = await EchoServerAsync();
        await using TestServer b = await EchoServerAsync();
        await using TestServer c = await EchoServerAsync();
        await using var client = new RleTcpBalancedClient([Endpoint(a), Endpoint(b), Endpoint(c)], connections: 6, retry: Quick);

        await client.ConnectAsync();
        RleTcpResponse[] answers = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => client.SendAsync(BitConverter.GetBytes(i))));

        Assert.Equal([2, 2, 2], client.OpenConnectionsPerEndpoint);
        await ServerLimitTests.WaitUntilAsync(() => a.Listener.ConnectionCount == 2 && b.Listener.ConnectionCount == 2 && c.Listener.ConnectionCount == 2);
        Assert.Equal(Enumerable.Range(0, 90), answers.Select(r => BitConverter.ToInt32(r.Body)));
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task ARequestWhoseServerDiesIsAnsweredByAnotherServer()
    {
        var processor = new ScriptedProcessor();
        TestServer dying = await TestServer.StartAsync(o => o.DrainTimeout = TimeSpan.FromMilliseconds(100), processor);
        await using TestServer survivor = await EchoServerAsync();
        await using var client = new RleTcpBalancedClient([Endpoint(dying), Endpoint(survivor)], connections: 1, retry: Quick);
        byte[] payload = ScriptedProcessor.Hold("compress me");

        Task<RleTcpResponse> answer = client.SendAsync(payload);
        await processor.WaitEnteredAsync();
        Task stopping = dying.StopAsync(); // the held request outlives the drain: its connection is cut
        RleTcpResponse response = await answer.WaitAsync(TestServer.Patience);
        processor.Release();
        await stopping.WaitAsync(TestServer.Patience);
        await dying.DisposeAsync();

        Assert.Equal(ResponseStatus.Ok, response.Status);
        Assert.Equal(payload, response.Body);
        Assert.True(client.Retries >= 1);
        Assert.Equal([0, 1], client.OpenConnectionsPerEndpoint);
    }

    [Fact]
    public async Task LoadKeepsSucceedingWhenOneOfTwoServersStopsInTheMiddle()
    {
        TestServer first = await EchoServerAsync(o => o.DrainTimeout = TimeSpan.FromMilliseconds(200));
        await using TestServer second = await EchoServerAsync();
        await using var client = new RleTcpBalancedClient([Endpoint(first), Endpoint(second)], connections: 4, retry: Quick);
        await client.ConnectAsync();

        Task<RleTcpResponse>[] before = Enumerable.Range(0, 200).Select(i => client.SendAsync(BitConverter.GetBytes(i))).ToArray();
        Task stop = first.DisposeAsync().AsTask();
        Task<RleTcpResponse>[] after = Enumerable.Range(200, 200).Select(i => client.SendAsync(BitConverter.GetBytes(i))).ToArray();
        RleTcpResponse[] answers = await Task.WhenAll(before.Concat(after)).WaitAsync(TestServer.Patience);
        await stop.WaitAsync(TestServer.Patience);

        Assert.All(answers, r => Assert.Equal(ResponseStatus.Ok, r.Status));
        Assert.Equal(Enumerable.Range(0, 400), answers.Select(r => BitConverter.ToInt32(r.Body)));
        RleTcpResponse late = await client.SendAsync(BitConverter.GetBytes(-1));
        Assert.Equal(-1, BitConverter.ToInt32(late.Body));
        Assert.Equal(0, client.OpenConnectionsPerEndpoint[0]);
    }

    [Fact]
    public async Task AnEndpointThatRefusesConnectionsIsSkipped()
    {
        (Socket holder, RleTcpEndpoint refusing) = RefusingEndpoint();
        using (holder)
        {
            await using TestServer live = await EchoServerAsync();
            await using var client = new RleTcpBalancedClient([refusing, Endpoint(live)], connections: 2, retry: Quick);

            await client.ConnectAsync();

            Assert.Equal([0, 2], client.OpenConnectionsPerEndpoint);
            Assert.Equal(new byte[] { 7 }, (await client.SendAsync(new byte[] { 7 })).Body);
        }
    }

    [Fact]
    public async Task WhenEveryEndpointRefusesTheLastConnectFailureIsThrownAfterTheRetries()
    {
        (Socket holder, RleTcpEndpoint refusing) = RefusingEndpoint();
        using (holder)
        {
            await using var client = new RleTcpBalancedClient([refusing], connections: 1, retry: Quick with { MaxAttempts = 3 });

            RleTcpConnectionException e = await Assert.ThrowsAsync<RleTcpConnectionException>(() => client.SendAsync(new byte[] { 1 }));

            Assert.Equal(RleTcpConnectionError.ConnectFailed, e.Error);
            Assert.Equal(2, client.Retries);
        }
    }

    [Fact]
    public async Task BusyIsRetriedWithBackoffUntilTheServerHasRoom()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(o => { o.Workers = 1; o.QueueCapacity = 1; }, processor);
        await using FrameClient filler = await server.ConnectAsync();
        await filler.SendFrameAsync(ScriptedProcessor.Hold("running"));
        await processor.WaitEnteredAsync(); // the only worker is busy; the next request fills the queue
        await filler.SendFrameAsync(ScriptedProcessor.Echo("queued"));
        await ServerLimitTests.WaitUntilAsync(() => server.Executor.QueuedCount == 1);
        await using var client = new RleTcpBalancedClient([Endpoint(server)], connections: 1, retry: Quick with { MaxAttempts = 1000 });

        Task<RleTcpResponse> answer = client.SendAsync(ScriptedProcessor.Echo("patient"));
        await ServerLimitTests.WaitUntilAsync(() => client.Retries >= 2); // answered Busy at least twice while the queue is full
        processor.Release();
        RleTcpResponse response = await answer.WaitAsync(TestServer.Patience);

        Assert.Equal(ResponseStatus.Ok, response.Status);
        Assert.Equal(ScriptedProcessor.Echo("patient"), response.Body);
    }

    [Fact]
    public async Task BusyIsReturnedWhenTheTriesAreUsedUp()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(o => { o.Workers = 1; o.QueueCapacity = 1; }, processor);
        await using FrameClient filler = await server.ConnectAsync();
        await filler.SendFrameAsync(ScriptedProcessor.Hold("running"));
        await processor.WaitEnteredAsync(); // the only worker is busy; the next request fills the queue
        await filler.SendFrameAsync(ScriptedProcessor.Echo("queued"));
        await ServerLimitTests.WaitUntilAsync(() => server.Executor.QueuedCount == 1);
        await using var client = new RleTcpBalancedClient([Endpoint(server)], connections: 1, retry: Quick with { MaxAttempts = 3 });

        RleTcpResponse response = await client.SendAsync(ScriptedProcessor.Echo("impatient"));
        processor.Release();

        Assert.Equal(ResponseStatus.Busy, response.Status);
        Assert.Equal(2, client.Retries);
    }

    [Theory]
    [InlineData("example.org", "example.org", 2015)]
    [InlineData("10.0.0.1:2016", "10.0.0.1", 2016)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("::1", "::1", 2015)]
    public void EndpointsParseHostAndOptionalPort(string text, string host, int port)
    {
        Assert.Equal(new RleTcpEndpoint(host, port), RleTcpEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("[::1")]
    [InlineData(":2015")]
    public void MalformedEndpointsAreRefused(string text)
    {
        Assert.False(RleTcpEndpoint.TryParse(text, out _));
    }
}
