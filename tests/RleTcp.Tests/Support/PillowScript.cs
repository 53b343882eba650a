using System.Diagnostics;

namespace RleTcp.Tests.Support;

/// <summary>
/// Runs a Python script with Debian's Pillow 9.4 (<c>/usr/bin/python3</c>), the reference: the test fails, never
/// skips, when the interpreter or PIL is missing (.ci/run installs python3-pil).
/// </summary>
public static class PillowScript
{
    private const string Python = "/usr/bin/python3";

    private const string Missing = "Debian's Pillow 9.4 (/usr/bin/python3 with python3-pil) is required; .ci/run installs python3-pil.";

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; returns its standard output.</summary>
    public static string Run(string script, TimeSpan timeout, params string[] arguments)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing. {Missing}");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {timeout.TotalSeconds} s.");
        }

        string errors = stderr.GetAwaiter().GetResult();
        string output = stdout.GetAwaiter().GetResult();
        Assert.False(errors.Contains("No module named 'PIL'", StringComparison.Ordinal), $"PIL is not importable by {Python}. {Missing}");
        Assert.True(process.ExitCode == 0, $"{script} failed (exit {process.ExitCode}): {errors}");
        return output;
    }
}
