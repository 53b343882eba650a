using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Server;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Operations;

/// <summary>The HTTP side port: /healthz and Prometheus /metrics over loopback, on a port picked at start.</summary>
[Trait("Category", "Socket")]
public partial class MetricsEndpointTests
{
    private static readonly Dictionary<string, string?> SidePortOn = new() { [MetricsEndpointOptions.SectionName + ":Port"] = "0" };

    private static HttpClient Http(TestServer server) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{server.HostServices.GetRequiredService<HealthEndpoint>().Port}"),
        Timeout = TestServer.Patience,
    };

    [Fact]
    public async Task HealthzIsReadyOnceTheServerHasStarted()
    {
        await using TestServer server = await TestServer.StartAsync(settings: SidePortOn);
        using HttpClient http = Http(server);

        HttpResponseMessage health = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ready\n", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/healthz", content: null)).StatusCode);
    }

    [Fact]
    public async Task MetricsAreServedInPrometheusTextWithTheRequestCounters()
    {
        await using TestServer server = await TestServer.StartAsync(settings: SidePortOn);
        using HttpClient http = Http(server);
        await using (FrameClient client = await server.ConnectAsync())
        {
            await client.SendFrameAsync(BitImageWriter.ToPng(TestImages.Noise(64, 8, seed: 3)));
            Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
            await client.SendFrameAsync("garbage"u8);
            Assert.Equal(ResponseStatus.InvalidImage, (await client.ReadAnswerAsync()).Status);
            await client.AssertPingAsync();
        }

        HttpResponseMessage response = await http.GetAsync("/metrics");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE rletcp_server_requests_total counter", text, StringComparison.Ordinal);
        Assert.Equal("1", Sample(text, "rletcp_server_requests_total", "rletcp_status=\"Ok\""));
        Assert.Equal("1", Sample(text, "rletcp_server_requests_total", "rletcp_status=\"InvalidImage\""));
        Assert.Equal("1", Sample(text, "rletcp_server_pings_total", null));
        Assert.Equal("1", Sample(text, "rletcp_server_request_duration_seconds_count", "rletcp_status=\"Ok\""));
        Assert.Contains("# TYPE rletcp_server_queue_depth gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE rletcp_server_executor_utilization gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthzAnswers503WhileTheServerDrains()
    {
        var processor = new ScriptedProcessor();
        TestServer server = await TestServer.StartAsync(processor: processor, settings: SidePortOn);
        await using (server)
        {
            using HttpClient http = Http(server);
            await using FrameClient client = await server.ConnectAsync();
            await client.SendFrameAsync(ScriptedProcessor.Hold());
            await processor.WaitEnteredAsync();

            Task stopping = server.StopAsync();
            await Eventually.TrueAsync(() => server.Listener.IsStopping);
            HttpResponseMessage draining = await http.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
            Assert.Equal("draining\n", await draining.Content.ReadAsStringAsync());
            processor.Release();
            Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
            await stopping.WaitAsync(TestServer.Patience);
        }
    }

    [Fact]
    public async Task TheSidePortIsOffUnlessAPortIsConfigured()
    {
        await using TestServer server = await TestServer.StartAsync();

        Assert.Null(server.HostServices.GetService<HealthEndpoint>());
        Assert.False(server.HostServices.GetRequiredService<IOptions<MetricsEndpointOptions>>().Value.Enabled);
    }

    [Fact]
    public async Task AnOutOfRangeSidePortIsRefusedAtStartWithItsKey()
    {
        var settings = new Dictionary<string, string?> { [MetricsEndpointOptions.SectionName + ":Port"] = "70000" };

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings: settings));

        Assert.Contains(e.Failures, f => f.Contains("RleTcp:Metrics:Port", StringComparison.Ordinal) && f.Contains("70000", StringComparison.Ordinal));
    }

    // The value of the one sample of metric `name` whose labels include `label` (any labels when null).
    private static string Sample(string text, string name, string? label)
    {
        string[] values = text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && (label is null || line.Contains(label, StringComparison.Ordinal)))
            .Select(line => SampleValue().Match(line).Groups[1].Value)
            .ToArray();
        return Assert.Single(values);
    }

    [GeneratedRegex(@"\} (\S+)")]
    private static partial Regex SampleValue();
}
