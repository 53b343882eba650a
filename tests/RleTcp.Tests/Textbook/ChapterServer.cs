using System.Diagnostics;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Textbook;

/// <summary>
/// clients/textbook/chapter_server.py, the server written from the textbook chapter (asyncio, a process pool,
/// Pillow + the textbook encoder), as a child process on a free loopback port; killed on dispose.
/// </summary>
internal sealed class ChapterServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private ChapterServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts the server and waits (bounded) for its "listening on" line. Fails, never skips, without Pillow.</summary>
    public static async Task<ChapterServer> StartAsync(int workers = 2)
    {
        Assert.True(File.Exists(Python), $"{Python} (Debian's python3 with python3-pil) is required; .ci/run installs it.");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Directory, "clients", "textbook", "chapter_server.py"));
        start.ArgumentList.Add("0");
        start.ArgumentList.Add(workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start.");
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = await process.StandardOutput.ReadLineAsync(bound.Token);
            const string Prefix = "listening on 127.0.0.1:";
            if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                string errors = await process.StandardError.ReadToEndAsync(bound.Token);
                throw new InvalidOperationException($"chapter_server.py did not start: {line}\n{errors}");
            }

            return new ChapterServer(process, int.Parse(line[Prefix.Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
