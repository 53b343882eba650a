using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Server.Diagnostics;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>The v2 instruments: answers by op, codec and status; stops by reason; negotiated connections.</summary>
[Trait("Category", "Socket")]
public class V2MetricsTests
{
    [Fact]
    public async Task V2AnswersAreCountedByOpCodecAndStatusAndStopsByReason()
    {
        await using var server = await TestServer.StartAsync();
        var factory = server.HostServices.GetRequiredService<IMeterFactory>();
        using var answers = new MetricCollector<long>(factory, RleTcpMetrics.MeterName, RleTcpMetrics.V2RequestsName);
        using var stopped = new MetricCollector<long>(factory, RleTcpMetrics.MeterName, RleTcpMetrics.V2StoppedName);
        using var negotiated = new MetricCollector<long>(factory, RleTcpMetrics.MeterName, RleTcpMetrics.V2ConnectionsName);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            await client.CallAsync(V2Op.Compress, 1, new V2RequestOptions { Invert = true }, V2Images.WorkedExamplePbm);
            await client.CallAsync(V2Op.Info, 2, V2RequestOptions.None, V2Images.WorkedExamplePbm);
            await client.CallAsync(V2Op.Compress, 3, new V2RequestOptions { DeadlineMs = 10 }, V2Images.HugeGrey);
            await client.SendAsync(V2Op.Compress, 4, V2RequestOptions.None, V2Images.HugeGrey);
            await Eventually.TrueAsync(() => server.Executor.BusyWorkers > 0);
            await client.SendAsync(V2Op.Cancel, 5, V2RequestOptions.None, V2RawClient.CancelBody(4));
            await client.ReadAsync();
            await client.ReadAsync();
        }

        await Eventually.TrueAsync(() => stopped.GetMeasurementSnapshot().Count >= 2);
        IReadOnlyList<CollectedMeasurement<long>> all = answers.GetMeasurementSnapshot();
        Assert.Contains(all, m => Tag(m, RleTcpMetrics.OpTag) == "compress" && Tag(m, RleTcpMetrics.CodecTag) == "rle" && Tag(m, RleTcpMetrics.StatusTag) == "Ok");
        Assert.Contains(all, m => Tag(m, RleTcpMetrics.OpTag) == "info" && Tag(m, RleTcpMetrics.StatusTag) == "Ok");
        Assert.Contains(all, m => Tag(m, RleTcpMetrics.OpTag) == "compress" && Tag(m, RleTcpMetrics.StatusTag) == nameof(ResponseStatus.Timeout));
        Assert.Contains(all, m => Tag(m, RleTcpMetrics.OpTag) == "cancel");
        var reasons = stopped.GetMeasurementSnapshot().Select(m => Tag(m, RleTcpMetrics.StopReasonTag)).ToHashSet();
        Assert.Contains("deadline", reasons);
        Assert.Contains("cancel", reasons);
        Assert.Equal(1, negotiated.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    private static string? Tag(CollectedMeasurement<long> m, string name) => m.Tags.GetValueOrDefault(name)?.ToString();
}
