using RleTcp.Cli.Common;

namespace RleTcp.Cli.Load;

/// <summary>One load run as the command line asked for it.</summary>
/// <param name="Requests">Total requests (-n), or null when the run is bounded by <paramref name="Duration"/>.</param>
/// <param name="Rate">Total requests per second (open loop), or null for a closed loop (send as fast as answers come).</param>
internal sealed record LoadSettings(
    ServerAddress Server,
    int Connections,
    int Pipeline,
    long? Requests,
    TimeSpan? Duration,
    double? Rate,
    TimeSpan Timeout,
    IReadOnlyList<LoadPayload> Payloads,
    WireProtocol Protocol = WireProtocol.Auto,
    RleTcp.Protocol.V2.V2RequestOptions? Request = null);

/// <summary>One input file of the run; <see cref="Expected"/> is set with --verify (null inside = local compression refused it).</summary>
internal sealed record LoadPayload(string Name, byte[] Data, bool Verify, byte[]? Expected);
