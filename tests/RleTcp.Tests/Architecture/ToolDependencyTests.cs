using System.Text.Json;
using RleTcp.Tests.Cli;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Architecture;

/// <summary>
/// The <c>rletcp</c> tool embeds a real server for <c>demo</c>, but not the server executable's host-only packages:
/// the metrics exporter (OpenTelemetry) and systemd integration stay out of what the tool restores and ships, and the
/// demo runs from the tool's own output folder without them.
/// </summary>
[Trait("Category", "ChildProcess")]
public class ToolDependencyTests
{
    private static readonly string[] HostOnly = ["OpenTelemetry", "Microsoft.Extensions.Hosting.Systemd"];

    // The tool's own build output (not the test output, which has the host-only assemblies for the server tests).
    private static string ToolOutput
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = testOutput.Parent!.Name;
            return Path.Combine(RepositoryRoot.Directory, "client", "RleTcp.Cli", "bin", configuration, testOutput.Name);
        }
    }

    [Fact]
    public void TheToolsRestoredPackagesHoldNoServerHostOnlyPackage()
    {
        string assets = Path.Combine(RepositoryRoot.Directory, "client", "RleTcp.Cli", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(assets));
        string[] libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains(libraries, l => l.StartsWith("Microsoft.Extensions.Hosting/", StringComparison.Ordinal)); // the demo's host
        foreach (string hostOnly in HostOnly)
        {
            Assert.DoesNotContain(libraries, l => l.StartsWith(hostOnly, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task TheToolShipsNoServerHostOnlyAssemblyAndItsDemoRunsWithoutThem()
    {
        string dll = Path.Combine(ToolOutput, "rletcp.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build client/RleTcp.Cli first");
        string[] files = Directory.GetFiles(ToolOutput).Select(Path.GetFileName).ToArray()!;
        string deps = File.ReadAllText(Path.Combine(ToolOutput, "rletcp.deps.json"));
        foreach (string hostOnly in HostOnly)
        {
            Assert.DoesNotContain(files, f => f.StartsWith(hostOnly, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(hostOnly, deps, StringComparison.OrdinalIgnoreCase);
        }

        using var temp = new TempDirectory();
        ProcessResult result = await ChildProcess.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll, "demo"], temp.Path);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("embedded RleTcp server listening on 127.0.0.1:", result.StandardOutput);
    }
}
