using System.Diagnostics;
using System.Reflection;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>The server executable's --help, and its shutdown with a worker that never comes back.</summary>
[Trait("Category", "ChildProcess")]
public class ServerProcessLifecycleTests(ITestOutputHelper output)
{
    /// <summary>Inputs made for issue 10 (kept out of fuzz/regressions, whose test decodes every file in process).</summary>
    public static byte[] Bomb(string file) =>
        File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Hardening", "Bombs", file));

    [Fact]
    public async Task HelpPrintsEveryOptionWithItsDefaultAndExitsZeroWithoutListening()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RleTcp.Server.dll"));
        start.ArgumentList.Add("--help");
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        await process.WaitForExitAsync(timeout.Token); // before: it started a server on port 2015 and never exited
        string text = await stdout;

        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain("listening", text + await stderr, StringComparison.OrdinalIgnoreCase);
        foreach (PropertyInfo property in typeof(RleTcpServerOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(RleTcpServerOptions.Tls)))
        {
            Assert.Contains($"--RleTcp:{property.Name} (", text, StringComparison.Ordinal);
        }

        Assert.Contains("--RleTcp:Tls:CertificatePath (unset)", text, StringComparison.Ordinal);
        Assert.Contains("--RleTcp:MaxDecodeMemoryBytes (536870912)", text, StringComparison.Ordinal);
        Assert.Contains("--port", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermEndsTheProcessAndItsDecodeWorkersWithinTheDrainTimeoutWhileADecodeIsRunning()
    {
        TimeSpan drain = TimeSpan.FromSeconds(2);
        await using ServerProcess server = await ServerProcess.StartAsync(
            "--workers", "1", "--RleTcp:DrainTimeout", "00:00:02", "--RleTcp:RequestTimeout", "00:00:30");
        await Eventually.TrueAsync(() => ChildrenOf(server.ProcessId).Length > 0, "the decode sandbox's workers never started");
        int[] workers = ChildrenOf(server.ProcessId);

        await using FrameClient client = await ConnectAsync(server);
        await client.SendFrameAsync(HostileImages.SlowJpeg); // a library decode: it runs in a worker process

        var clock = Stopwatch.StartNew();
        await server.TerminateAsync();
        bool exited = await server.ExitsWithinAsync(drain + RequestExecutorStop + TimeSpan.FromSeconds(3));
        output.WriteLine($"exited: {exited} after {clock.Elapsed.TotalMilliseconds:F0} ms (drain {drain.TotalSeconds} s)");

        Assert.True(exited, "SIGTERM did not end the server.");
        Assert.Equal(0, server.ExitCode);
        await Eventually.TrueAsync(() => workers.All(pid => !File.Exists($"/proc/{pid}/stat")), "a decode worker outlived the server");
    }

    // The stuck in-process worker (decode sandbox off) is pinned by ExecutorBudgetTests: the executor abandons it after
    // RequestExecutor.WorkerStopTimeout.

    private static int[] ChildrenOf(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [];

    private static TimeSpan RequestExecutorStop => RleTcp.Server.Execution.RequestExecutor.WorkerStopTimeout;

    private static async Task<FrameClient> ConnectAsync(ServerProcess server)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        return new FrameClient(socket);
    }
}
