using System.Diagnostics;
using System.Globalization;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>Runs the project's load generator, <c>rletcp load ... --json</c>, as a child process.</summary>
/// <param name="RletcpDll">The path of <c>rletcp.dll</c> (run with <c>dotnet</c>).</param>
public sealed record LoadTool(string RletcpDll)
{
    /// <summary>
    /// Runs one load and waits for it. <paramref name="duration"/> bounds the sending; the tool stops by itself, and
    /// a run that takes far longer than asked is killed (this process started it, so it knows its id).
    /// </summary>
    public async Task<LoadSummary> RunAsync(
        string server, string file, int connections, TimeSpan? duration = null, long? requests = null,
        int pipeline = 1, double? rate = null, CancellationToken ct = default, string? protocol = null)
    {
        var arguments = new List<string>
        {
            RletcpDll, "load", "--server", server, "-c", Invariant(connections), "--pipeline", Invariant(pipeline),
            "--timeout", "60s", "--json",
        };
        if (protocol is not null)
        {
            arguments.AddRange(["--protocol", protocol]);
        }

        if (duration is { } d)
        {
            arguments.AddRange(["-d", Invariant(d.TotalSeconds) + "s"]);
        }

        if (requests is { } n)
        {
            arguments.AddRange(["-n", Invariant(n)]);
        }

        if (rate is { } r)
        {
            arguments.AddRange(["--rate", Invariant(r)]);
        }

        arguments.Add(file);
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> errors = process.StandardError.ReadToEndAsync(ct);
        TimeSpan limit = (duration ?? TimeSpan.Zero) + TimeSpan.FromSeconds(120);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rletcp load did not finish within {limit.TotalSeconds:F0} s: {string.Join(' ', arguments)}");
        }

        string json = await output.ConfigureAwait(false);
        if (process.ExitCode is not (0 or 1) || json.IndexOf('{') < 0)
        {
            throw new InvalidOperationException(
                $"rletcp load exited with {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()} {json.Trim()}");
        }

        return LoadSummary.Parse(json[json.IndexOf('{')..]);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
