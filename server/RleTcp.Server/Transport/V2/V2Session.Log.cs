using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Transport.V2;

// The v2 session's log definitions (source-generated).
internal sealed partial class V2Session
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} speaks protocol v2 ({MaxInFlight} in flight at most)")]
    private partial void LogNegotiated(long id, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {Op} with codec {Codec} submitted")]
    private partial void LogSubmitted(long id, uint requestId, string op, string codec);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {Op} answered {Status}")]
    private partial void LogFinished(long id, uint requestId, string op, ResponseStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId} (op {Op}): bad request: {Reason}")]
    private partial void LogBadRequest(long id, uint requestId, byte op, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2: cancel of request {Target}: {Found}")]
    private partial void LogCancel(long id, uint target, bool found);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: {MaxInFlight} already in flight; Busy")]
    private partial void LogInFlightCap(long id, uint requestId, int maxInFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2 request {RequestId}: work queue full; Busy")]
    private partial void LogQueueFull(long id, uint requestId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} v2: {Count} requests in flight cancelled by the connection's end")]
    private partial void LogCancelledOnClose(long id, int count);
}
