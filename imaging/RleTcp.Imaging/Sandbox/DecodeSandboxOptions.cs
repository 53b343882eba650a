namespace RleTcp.Imaging.Sandbox;

/// <summary>How the <see cref="DecodeSandbox"/> runs its worker processes.</summary>
public sealed record DecodeSandboxOptions
{
    /// <summary>The smallest memory cap accepted: below it the .NET runtime of a worker cannot even start reliably.</summary>
    public const long MinMemoryLimitBytes = 64L * 1024 * 1024;

    /// <summary>Worker processes kept started; also the number of library decodes that run at once. Default 2.</summary>
    public int Processes { get; init; } = 2;

    /// <summary>
    /// The managed heap cap of each worker (<c>DOTNET_GCHeapHardLimit</c>): a decode that needs more fails as
    /// ImageTooLarge and its worker is replaced. Default 1 GiB, enough for a 100-megapixel RGBA decode.
    /// </summary>
    public long MemoryLimitBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Whether all workers start with the sandbox (default: a server's first requests do not wait for a runtime to
    /// start); false starts each on first need (a CLI that may never decode with a library).
    /// </summary>
    public bool PreStart { get; init; } = true;

    /// <summary>The worker to start; null finds it as <see cref="DecodeWorkerCommand.Resolve"/> does.</summary>
    public DecodeWorkerCommand? Command { get; init; }

    /// <summary>Throws when a value is out of range (called by the sandbox's constructor).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Processes, 1, nameof(Processes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Processes, 256, nameof(Processes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryLimitBytes, MinMemoryLimitBytes, nameof(MemoryLimitBytes));
    }
}
