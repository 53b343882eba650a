namespace RleTcp.Imaging.Sandbox;

/// <summary>How to start a decode worker process: an executable and its arguments.</summary>
/// <param name="FileName">The executable.</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record DecodeWorkerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The dedicated worker's assembly name (imaging/RleTcp.DecodeWorker).</summary>
    public const string WorkerAssemblyName = "RleTcp.DecodeWorker";

    /// <summary>
    /// Finds the worker: this very executable in its hidden worker mode when its <c>Main</c> supports it (the server,
    /// <c>rletcp</c>: works for a normal build, a single-file publish and an installed .NET tool), else the dedicated
    /// <c>RleTcp.DecodeWorker</c> beside this application (tests, benchmarks, other hosts).
    /// </summary>
    /// <exception cref="DecodeSandboxException">No worker can be found.</exception>
    public static DecodeWorkerCommand Resolve()
    {
        string? self = Environment.ProcessPath;
        if (DecodeWorkerHost.HostCanBeWorker && self is not null)
        {
            // `dotnet RleTcp.Server.dll`: the muxer needs the entry assembly again.
            string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
            return IsMuxer(self) && !string.IsNullOrEmpty(entry)
                ? new DecodeWorkerCommand(self, [entry, DecodeWorkerHost.WorkerArgument])
                : new DecodeWorkerCommand(self, [DecodeWorkerHost.WorkerArgument]);
        }

        string dll = Path.Combine(AppContext.BaseDirectory, WorkerAssemblyName + ".dll");
        if (File.Exists(dll))
        {
            // Through the muxer rather than the apphost: an apphost is not always produced or executable.
            string muxer = self is not null && IsMuxer(self)
                ? self
                : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath
                    ? hostPath
                    : "dotnet";
            return new DecodeWorkerCommand(muxer, ["exec", dll]);
        }

        throw new DecodeSandboxException(
            $"No decode worker: this executable has no worker mode and {dll} does not exist.");
    }

    private static bool IsMuxer(string path) =>
        Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
}
