using System.Net;
using Microsoft.Extensions.Logging;
using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Transport;

/// <summary>The connection's structured log messages, one place for their levels and wording.</summary>
internal sealed partial class RleTcpConnection
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} opened from {Remote}")]
    private partial void LogOpened(long id, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} closed: {End} after {Requests} requests")]
    private partial void LogClosed(long id, ConnectionEnd end, long requests);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} answered {Status} with {BodyBytes} body bytes")]
    private partial void LogAnswered(long id, ResponseStatus status, long bodyBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: frame declares {Declared} bytes, over the limit of {Limit}; closing")]
    private partial void LogFrameTooLarge(long id, ulong declared, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: frame not complete within {TimeoutMs} ms of its first byte; closing")]
    private partial void LogFrameTimeout(long id, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Id}: the peer took no answer bytes for an idle timeout (not reading); closing")]
    private partial void LogNotReading(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: idle timeout; closing")]
    private partial void LogIdle(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: a frame cut off by the end of input was dropped")]
    private partial void LogPartialFrameDropped(long id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: {Declared} bytes do not fit the request buffer budget ({Used} of {Capacity} used); Busy")]
    private partial void LogOverBudget(long id, int declared, long used, long capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id}: work queue full; Busy")]
    private partial void LogQueueFull(long id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Textbook connection {Id} closed without an answer: {Status} {Reason}")]
    private partial void LogTextbookRefused(long id, ResponseStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {Id} failed")]
    private partial void LogFault(Exception exception, long id);
}
