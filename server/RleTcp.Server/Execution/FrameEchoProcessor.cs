using CommunityToolkit.HighPerformance.Buffers;
namespace RleTcp.Server.Execution;

/// <summary>
/// Answers each request with status 0 and the request's own bytes: the transport and executor with no image work,
/// the baseline the performance benchmarks measure the service against (<c>Workload = FrameEcho</c>).
/// </summary>
public sealed class FrameEchoProcessor : IRequestProcessor
{
    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        var body = new ArrayPoolBufferWriter<byte>(payload.Length);
        payload.Span.CopyTo(body.GetSpan(payload.Length));
        body.Advance(payload.Length);
        return ServerResponse.Ok([body]);
    }
}
