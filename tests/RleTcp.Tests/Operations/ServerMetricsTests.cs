using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Server;
using RleTcp.Tests.Support;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Tests.Operations;

/// <summary>The "RleTcp.Server" meter, read with MetricCollector (scoped to one test server's meter factory) over real sockets.</summary>
public class ServerMetricsTests
{
    private static MetricCollector<T> Collect<T>(TestServer server, string instrument)
        where T : struct =>
        new(server.HostServices.GetRequiredService<IMeterFactory>(), RleTcpMetrics.MeterName, instrument);

    private static long Sum(MetricCollector<long> collector, string? status = null) =>
        collector.GetMeasurementSnapshot()
            .Where(m => status is null || Equals(m.Tags.GetValueOrDefault(RleTcpMetrics.StatusTag), status))
            .Sum(m => m.Value);

    [Fact]
    public async Task RequestsAreCountedByStatusWithTheirBytesDurationsAndQueueWaits()
    {
        await using TestServer server = await TestServer.StartAsync();
        using MetricCollector<long> requests = Collect<long>(server, RleTcpMetrics.RequestsName);
        using MetricCollector<long> pings = Collect<long>(server, RleTcpMetrics.PingsName);
        using MetricCollector<long> received = Collect<long>(server, RleTcpMetrics.BytesReceivedName);
        using MetricCollector<long> sent = Collect<long>(server, RleTcpMetrics.BytesSentName);
        using MetricCollector<long> connections = Collect<long>(server, RleTcpMetrics.ActiveConnectionsName);
        using MetricCollector<double> duration = Collect<double>(server, RleTcpMetrics.RequestDurationName);
        using MetricCollector<double> queueWait = Collect<double>(server, RleTcpMetrics.QueueWaitName);

        byte[] png = BitImageWriter.ToPng(TestImages.Noise(100, 40, seed: 7));
        byte[] garbage = "not an image at all"u8.ToArray();
        long answerBytes = 0;
        await using (FrameClient client = await server.ConnectAsync())
        {
            await client.SendRawAsync([.. FrameClient.Frame(png), .. FrameClient.Header(0), .. FrameClient.Frame(garbage)]);
            foreach (ResponseStatus expected in new[] { ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.InvalidImage })
            {
                Answer answer = await client.ReadAnswerAsync();
                Assert.Equal(expected, answer.Status);
                answerBytes += FrameHeader.Size + 1 + answer.Body.Length;
            }
        }

        // The connection's close is recorded after its read loop ends, so every byte it read is counted by then.
        await connections.WaitForMeasurementsAsync(2, TestServer.Patience);
        Assert.Equal(0, Sum(connections));
        Assert.Equal(1, Sum(requests, "Ok"));
        Assert.Equal(1, Sum(requests, "InvalidImage"));
        Assert.Equal(2, Sum(requests));
        Assert.Equal(1, Sum(pings));
        Assert.Equal((FrameHeader.Size * 3) + png.Length + garbage.Length, Sum(received));
        Assert.Equal(answerBytes, Sum(sent));

        IReadOnlyList<CollectedMeasurement<double>> durations = duration.GetMeasurementSnapshot();
        Assert.Equal(2, durations.Count);
        Assert.Contains(durations, m => Equals(m.Tags[RleTcpMetrics.StatusTag], "Ok"));
        Assert.Contains(durations, m => Equals(m.Tags[RleTcpMetrics.StatusTag], "InvalidImage"));
        Assert.All(durations, m => Assert.True(m.Value >= 0));
        Assert.Equal(2, queueWait.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task QueueDepthUtilisationAndActiveConnectionsAreObservedWhileWorkersAreBusy()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(o => o.Workers = 2, processor);
        using MetricCollector<int> depth = Collect<int>(server, RleTcpMetrics.QueueDepthName);
        using MetricCollector<double> utilisation = Collect<double>(server, RleTcpMetrics.UtilizationName);
        using MetricCollector<long> connections = Collect<long>(server, RleTcpMetrics.ActiveConnectionsName);

        await using FrameClient client = await server.ConnectAsync();
        await using FrameClient idle = await server.ConnectAsync();
        await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Hold("1")), .. FrameClient.Frame(ScriptedProcessor.Hold("2")), .. FrameClient.Frame(ScriptedProcessor.Echo("3"))]);
        await processor.WaitEnteredAsync(2);
        await ServerLimitTests.WaitUntilAsync(() => server.Executor.QueuedCount == 1);

        depth.RecordObservableInstruments();
        utilisation.RecordObservableInstruments();
        Assert.Equal(1, depth.LastMeasurement?.Value);
        Assert.Equal(1.0, utilisation.LastMeasurement?.Value);
        Assert.Equal(2, connections.GetMeasurementSnapshot().Sum(m => m.Value));

        processor.Release();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        }

        await ServerLimitTests.WaitUntilAsync(() => server.Executor.BusyWorkers == 0);
        depth.RecordObservableInstruments();
        utilisation.RecordObservableInstruments();
        Assert.Equal(0, depth.LastMeasurement?.Value);
        Assert.Equal(0.0, utilisation.LastMeasurement?.Value);
    }

    [Fact]
    public async Task BusyAnswersAreCountedWithTheirReason()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.Workers = 1;
                o.QueueCapacity = 1;
                o.MaxConnections = 1;
            },
            processor);
        using MetricCollector<long> busy = Collect<long>(server, RleTcpMetrics.BusyRejectionsName);
        using MetricCollector<long> requests = Collect<long>(server, RleTcpMetrics.RequestsName);

        await using FrameClient client = await server.ConnectAsync();
        await client.SendFrameAsync(ScriptedProcessor.Hold());
        await processor.WaitEnteredAsync();
        await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Echo("queued")), .. FrameClient.Frame(ScriptedProcessor.Echo("refused"))]);

        // A second connection is over MaxConnections: one Busy frame, then closed.
        await using (FrameClient extra = await server.ConnectAsync())
        {
            Assert.Equal(ResponseStatus.Busy, (await extra.ReadAnswerAsync()).Status);
        }

        await ServerLimitTests.WaitUntilAsync(() => busy.GetMeasurementSnapshot().Count == 2);
        processor.Release();
        Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        Assert.Equal(ResponseStatus.Ok, (await client.ReadAnswerAsync()).Status);
        Assert.Equal(ResponseStatus.Busy, (await client.ReadAnswerAsync()).Status);

        IReadOnlyList<CollectedMeasurement<long>> rejections = busy.GetMeasurementSnapshot();
        Assert.Equal(["connection_limit", "queue_full"], rejections.Select(m => (string)m.Tags[RleTcpMetrics.BusyReasonTag]!).Order());
        Assert.Equal(1, requests.GetMeasurementSnapshot().Where(m => Equals(m.Tags[RleTcpMetrics.StatusTag], "Busy")).Sum(m => m.Value));
    }
}
