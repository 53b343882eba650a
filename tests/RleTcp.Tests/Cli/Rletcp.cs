namespace RleTcp.Tests.Cli;

/// <summary>Runs the built <c>rletcp</c> tool as a child process: <c>dotnet rletcp.dll ARGS</c>.</summary>
internal static class Rletcp
{
    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments) =>
        ChildProcess.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [RepositoryPaths.RletcpDll, .. arguments], workingDirectory);
}
