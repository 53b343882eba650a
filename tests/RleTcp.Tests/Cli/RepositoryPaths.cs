using RleTcp.Tests.Support;

namespace RleTcp.Tests.Cli;

/// <summary>Paths inside the repository and the test output, for tests that run programs.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding RleTcp.sln.</summary>
    public static string Root => RepositoryRoot.Directory;

    /// <summary>
    /// The built <c>rletcp.dll</c>: the test project references the Cli project, so the build copies it (with its
    /// deps.json and runtimeconfig.json) into the test output beside this assembly.
    /// </summary>
    public static string RletcpDll
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "rletcp.dll");
            Assert.True(File.Exists(path), $"rletcp.dll is not in the test output ({AppContext.BaseDirectory}).");
            return path;
        }
    }
}
