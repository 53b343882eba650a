using System.Net;
using System.Net.Sockets;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>Opens many connections, proves each is served with one ping, and holds them open doing nothing.</summary>
public static class IdleConnections
{
    private static readonly byte[] Ping = new byte[8];

    /// <summary>Opens <paramref name="count"/> connections; dispose the result to close them.</summary>
    public static async Task<IReadOnlyList<Socket>> OpenAsync(IPEndPoint server, int count, CancellationToken ct)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(socket);
                await socket.ConnectAsync(server, ct).ConfigureAwait(false);
                await socket.SendAsync(Ping, SocketFlags.None, ct).ConfigureAwait(false);
                await ReadPingAnswerAsync(socket, ct).ConfigureAwait(false);
            }

            return sockets;
        }
        catch
        {
            Close(sockets);
            throw;
        }
    }

    /// <summary>Closes the connections.</summary>
    public static void Close(IEnumerable<Socket> sockets)
    {
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }
    }

    // The answer to a ping is 9 bytes: length 1, status 0.
    private static async Task ReadPingAnswerAsync(Socket socket, CancellationToken ct)
    {
        var answer = new byte[9];
        for (int read = 0; read < answer.Length;)
        {
            int n = await socket.ReceiveAsync(answer.AsMemory(read), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"The server closed connection {socket.LocalEndPoint} before answering its ping.");
            }

            read += n;
        }

        if (answer[7] != 1 || answer[8] != 0)
        {
            throw new IOException("The server's answer to a ping is not 00 00 00 00 00 00 00 01 00.");
        }
    }
}
