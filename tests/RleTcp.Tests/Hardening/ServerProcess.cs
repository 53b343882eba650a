using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// The built server (RleTcp.Server.dll beside the tests) as a child process, so its memory can be read from
/// /proc/PID/status without the test runner's own allocations in the figures.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public IPEndPoint EndPoint { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server with <paramref name="args"/> (plus an ephemeral port) and waits for its listening line.</summary>
    public static async Task<ServerProcess> StartAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RleTcp.Server.dll"));
        foreach (string arg in (string[])["--port", "0", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        var server = new ServerProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (server._output)
            {
                server._output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        server._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            int port = await listening.Task.WaitAsync(TestServer.Patience);
            server.EndPoint = new IPEndPoint(IPAddress.Loopback, port);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The peak resident set size so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        string status = File.ReadAllText($"/proc/{_process.Id}/status");
        Match m = PeakLine().Match(status);
        Assert.True(m.Success, "/proc/PID/status has no VmHWM line.");
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>SIGTERM, then the exit code (bounded by <see cref="TestServer.Patience"/>).</summary>
    public async Task<int> StopAsync()
    {
        await TerminateAsync();
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and returns at once.</summary>
    public async Task TerminateAsync()
    {
        using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Whether the process exits within <paramref name="limit"/>.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The resident set size now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        string status = File.ReadAllText($"/proc/{_process.Id}/status");
        Match m = ResidentLine().Match(status);
        Assert.True(m.Success, "/proc/PID/status has no VmRSS line.");
        return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"VmHWM:\s+(\d+) kB")]
    private static partial Regex PeakLine();

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex ResidentLine();
}
