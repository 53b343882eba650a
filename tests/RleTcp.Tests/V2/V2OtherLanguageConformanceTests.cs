using RleTcp.Tests.Cli;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>
/// The Python and Node.js packages run their protocol conformance suites (written from docs/PROTOCOL.md) against two
/// real servers: one with v2 on, one with v2 switched off (fallback). The Python package is first installed with pip
/// into a fresh virtual environment, as a user would. python3 (with venv and setuptools) and node must be installed
/// (.ci/run makes sure): these tests fail, never skip, without them.
/// </summary>
[Trait("Category", "CrossLanguage")]
public class V2OtherLanguageConformanceTests
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task ThePythonPackageInstallsWithPipAndPassesTheConformanceSuite()
    {
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : ChildProcess.RequireOnPath("python3");
        using var temp = new TempDirectory();
        string venv = temp.Combine("venv");
        ProcessResult created = await ChildProcess.RunAsync(python, ["-m", "venv", "--system-site-packages", venv], temp.Path);
        Assert.True(created.ExitCode == 0, created.ToString());

        // No index and no build isolation: the build uses the interpreter's own setuptools, so it works offline. From a
        // copy: setuptools writes build/ and *.egg-info beside the sources it builds, which must not land in the tree.
        string package = temp.Combine("package");
        CopySources(Path.Combine(RepositoryPaths.Root, "clients", "python"), package);
        ProcessResult installed = await ChildProcess.RunAsync(
            Path.Combine(venv, "bin", "pip"),
            ["install", "--no-build-isolation", "--no-index", package],
            temp.Path,
            SuiteTimeout);
        Assert.True(installed.ExitCode == 0, installed.ToString());

        ProcessResult result = await RunSuiteAsync(Path.Combine(venv, "bin", "python"), ["-m", "rletcp.conformance"], temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok   out of order", result.StandardOutput);
        Assert.Contains("ok   asyncio client", result.StandardOutput);
        Assert.Contains("0 failed", result.StandardOutput);
    }

    [Fact]
    public async Task TheNodePackagePassesTheConformanceSuite()
    {
        string node = ChildProcess.RequireOnPath("node");
        using var temp = new TempDirectory();
        string package = Path.Combine(RepositoryPaths.Root, "clients", "node");
        Assert.True(File.Exists(Path.Combine(package, "index.d.ts")), "the TypeScript declarations are part of the package");

        ProcessResult result = await RunSuiteAsync(node, [Path.Combine(package, "conformance.js")], temp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok   outOfOrder", result.StandardOutput);
        Assert.Contains("0 failed", result.StandardOutput);
    }

    private static async Task<ProcessResult> RunSuiteAsync(string program, string[] arguments, string directory)
    {
        await using var v2 = await TestServer.StartAsync(o => o.MaxPixels = 50_000_000);
        await using var v1 = await TestServer.StartAsync(o => o.EnableProtocolV2 = false);
        return await ChildProcess.RunAsync(
            program,
            [.. arguments, "--port", v2.EndPoint.Port.ToString(), "--v1-port", v1.EndPoint.Port.ToString()],
            directory,
            SuiteTimeout);
    }

    // The package's sources, without what an earlier build left beside them.
    private static void CopySources(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "build" or "__pycache__" || part.EndsWith(".egg-info", StringComparison.Ordinal)))
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
