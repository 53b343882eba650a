using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Transport;

/// <summary>The listener's structured log messages.</summary>
public sealed partial class RleTcpListener
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "RleTcp listening on {EndPoint}: {Workers} workers, queue {QueueCapacity}, max frame {MaxFrameBytes} B, " +
                  "max pixels {MaxPixels}, request buffer budget {MaxBufferedRequestBytes} B, max connections {MaxConnections}, " +
                  "timeouts frame {FrameTimeout} idle {IdleTimeout} request {RequestTimeout}, workload {Workload}")]
    private partial void LogStarted(
        IPEndPoint endPoint, int workers, int queueCapacity, long maxFrameBytes, long maxPixels, long maxBufferedRequestBytes,
        int maxConnections, TimeSpan frameTimeout, TimeSpan idleTimeout, TimeSpan requestTimeout, ServerWorkload workload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on {EndPoint}, beyond loopback, without TLS: anyone who can reach it can use it and read its traffic")]
    private partial void LogNotLoopback(IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS on: certificate {Subject}, client certificate required {RequireClientCertificate}")]
    private partial void LogTls(string subject, bool requireClientCertificate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopping: draining {Connections} connections for up to {DrainTimeout}")]
    private partial void LogDraining(int connections, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "RleTcp stopped: {Connections} connections drained, {Cut} cut at the drain timeout")]
    private partial void LogStopped(int connections, int cut);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed ({Error}); backing off")]
    private partial void LogAcceptBackoff(SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Accept failed ({Error}); continuing")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The accept loop failed; no new connections will be accepted")]
    private partial void LogAcceptFault(Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "RleTcp textbook listener on {EndPoint}: one request per connection, bare .rle answers, refusals close without a byte")]
    private partial void LogTextbookStarted(IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a textbook connection from {Remote}: at the limit of {MaxConnections}; closed without an answer")]
    private partial void LogRefusedTextbook(EndPoint? remote, int maxConnections);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a TLS connection from {Remote}: at the limit of {MaxConnections}; closed without a Busy frame")]
    private partial void LogRefusedTls(EndPoint? remote, int maxConnections);
}
