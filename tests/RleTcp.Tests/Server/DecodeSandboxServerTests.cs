using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

/// <summary>
/// Issue 10, section 1, through real sockets and the server's real decode sandbox: no input can keep a worker,
/// a dead decoder process is a server fault answered InternalError, a memory bomb stops at the cap.
/// </summary>
[Trait("Category", "ChildProcess")]
public sealed class DecodeSandboxServerTests
{
    private static readonly TimeSpan Margin = DecodeSandboxTests.Margin;

    private static byte[] Input(string file) => File.ReadAllBytes(Vectors.Get(file).InputPath);

    private static byte[] Expected(string file) => File.ReadAllBytes(Vectors.Get(file).ExpectedPath);

    private static DecodeSandbox SandboxOf(TestServer server) =>
        Assert.IsType<DecodeSandbox>(server.HostServices.GetRequiredService<ILibraryDecoder>());

    private static async Task<(Answer Answer, TimeSpan Elapsed)> AskAsync(TestServer server, byte[] image)
    {
        await using FrameClient client = await server.ConnectAsync();
        var watch = Stopwatch.StartNew();
        await client.SendFrameAsync(image);
        Answer answer = await client.ReadAnswerAsync();
        return (answer, watch.Elapsed);
    }

    private static async Task AssertServedAsync(TestServer server, string file)
    {
        (Answer answer, _) = await AskAsync(server, Input(file));
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(Expected(file), answer.Body);
    }

    [Fact]
    public async Task DecodesThatOutliveTheirDeadlineAreAnsweredTimeoutOnTimeAndNeverStopTheService()
    {
        // Before the sandbox, a decode that never ends (issue 10's Adam7 PNG, now read by our own reader) kept its worker
        // forever, and two of them stopped the service. A decode that outlives its deadline stands for any of them: the
        // worker process does not watch the deadline, so only the kill ends it.
        TimeSpan deadline = TimeSpan.FromMilliseconds(500);
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.Workers = 2;
            o.DecodeProcesses = 2;
            o.RequestTimeout = deadline;
            o.MaxDecodeMemoryBytes = 4L << 30; // this test is about the sandbox, not the decode budget
        });
        using var ends = new MetricCollector<long>(server.HostServices.GetRequiredService<IMeterFactory>(), RleTcpMetrics.MeterName, RleTcpMetrics.SandboxEndsName);

        for (int round = 0; round < 2; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AskAsync(server, HostileImages.SlowJpeg)));
            foreach ((Answer answer, TimeSpan elapsed) in answers)
            {
                Assert.Equal(ResponseStatus.Timeout, answer.Status);
                Assert.InRange(elapsed, deadline - TimeSpan.FromMilliseconds(50), deadline + Margin);
            }

            // A library image (GIF) once the replacements are up (they were started at the kills): served at once.
            await Eventually.TrueAsync(() => SandboxOf(server).ReadyWorkers == 2);
            (Answer good, TimeSpan took) = await AskAsync(server, Input("syn_palette16_320x240.gif"));
            Assert.Equal(ResponseStatus.Ok, good.Status);
            Assert.Equal(Expected("syn_palette16_320x240.gif"), good.Body);
            Assert.True(took < deadline, $"the good request took {took.TotalMilliseconds:0} ms");
        }

        Assert.Equal(2, SandboxOf(server).LiveWorkers);
        Assert.True(ends.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags.GetValueOrDefault(RleTcpMetrics.SandboxEndTag), "deadline"))
            .Sum(m => m.Value) >= 4);
    }

    [Fact]
    public async Task ARequestWhoseDecoderProcessDiesIsAnsweredInternalErrorAndTheNextIsServed()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.DecodeProcesses = 1);
        DecodeSandbox sandbox = SandboxOf(server);
        await using FrameClient client = await server.ConnectAsync();
        await client.SendFrameAsync(HostileImages.SlowJpeg);
        int pid = await Task.Run(() => DecodeSandboxTests.WaitForBusyWorker(sandbox));

        using (Process worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        Answer answer = await client.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.InternalError, answer.Status);
        Assert.Equal("The image decoder's process failed; the image was not decoded.", answer.Message);
        await AssertServedAsync(server, "syn_palette16_320x240.gif");
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains($"Decode worker {pid} died", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWebpMemoryBombIsAnsweredImageTooLargeByTheProcessCap()
    {
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.DecodeProcesses = 1;
            o.DecodeProcessMemoryBytes = 256L << 20;
        });

        (Answer answer, _) = await AskAsync(server, HostileImages.WebpMemoryBomb);

        Assert.Equal(ResponseStatus.ImageTooLarge, answer.Status);
        Assert.Contains("memory", answer.Message, StringComparison.OrdinalIgnoreCase);
        await AssertServedAsync(server, "syn_palette16_320x240.gif");
    }

    [Fact]
    public async Task ThePoolIsAsLargeAsTheWorkersUnlessConfiguredAndStartsBeforeTheFirstRequest()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Workers = 3);
        Assert.Equal(3, SandboxOf(server).Processes);
        Assert.Equal(3, SandboxOf(server).LiveWorkers);
    }

    [Fact]
    public async Task WithTheSandboxOffLibraryImagesAreDecodedInTheServerProcess()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.DecodeSandbox = false);
        Assert.Same(InProcessLibraryDecoder.Instance, server.HostServices.GetRequiredService<ILibraryDecoder>());
        await AssertServedAsync(server, "syn_palette16_320x240.gif");
    }

    [Theory]
    [InlineData("DecodeProcesses", 257L, "RleTcp:DecodeProcesses must be between 0 and 256; got 257.")]
    [InlineData("DecodeProcesses", -1L, "RleTcp:DecodeProcesses must be between 0 and 256; got -1.")]
    [InlineData("DecodeProcessMemoryBytes", 1_000_000L, "RleTcp:DecodeProcessMemoryBytes must be between 67108864 and")]
    public void ABadSandboxSettingFailsValidationNamingTheKey(string property, long value, string expected)
    {
        var o = new RleTcpServerOptions();
        var info = typeof(RleTcpServerOptions).GetProperty(property)!;
        info.SetValue(o, Convert.ChangeType(value, info.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        ValidateOptionsResult result = new RleTcpServerOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
