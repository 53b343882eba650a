using System.Net;
using System.Net.Sockets;

namespace RleTcp.Client;

/// <summary>Opens a TCP connection with a bounded handshake and typed failures, for every client type.</summary>
internal static class TcpConnector
{
    /// <summary>Connects to <paramref name="endpoint"/> (a name or an IP literal) with Nagle off.</summary>
    /// <exception cref="RleTcpConnectionException">Refused, unreachable, unresolvable, or over <paramref name="timeout"/>.</exception>
    public static async Task<Socket> ConnectAsync(RleTcpEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        EndPoint target = IPAddress.TryParse(endpoint.Host, out IPAddress? address)
            ? new IPEndPoint(address, endpoint.Port)
            : new DnsEndPoint(endpoint.Host, endpoint.Port);
        return await ConnectAsync(target, endpoint.ToString(), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects to <paramref name="target"/>; <paramref name="remote"/> names it in error messages.</summary>
    /// <exception cref="RleTcpConnectionException">Refused, unreachable, unresolvable, or over <paramref name="timeout"/>.</exception>
    public static async Task<Socket> ConnectAsync(EndPoint target, string remote, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Socket socket = target is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true; // frames are flushed whole; Nagle would only add latency to pings and small answers
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            bounded.CancelAfter(timeout);
        }

        try
        {
            await socket.ConnectAsync(target, bounded.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RleTcpConnectionException(
                RleTcpConnectionError.ConnectTimeout, $"Could not connect to {remote} within {timeout.TotalSeconds:0.###} s.");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new RleTcpConnectionException(RleTcpConnectionError.ConnectFailed, $"Could not connect to {remote}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
