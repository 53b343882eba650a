using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace RleTcp.Benchmarks.Peers;

/// <summary>
/// <c>echo-peer --port N</c>: the floor the server's <c>--workload FrameEcho</c> is measured against (issue 14). A
/// plain <see cref="Socket"/>, one task per connection, each v1 frame read whole into one array and written back in
/// one send as status 0 plus the payload: the answer <c>FrameEcho</c> gives, with no pipes, pool, queue or limits.
/// A bench peer only: it trusts its client (a frame it cannot hold in one array ends the connection).
/// </summary>
public static class PlainSocketEcho
{
    /// <summary>Listens on 127.0.0.1 until the process is stopped.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int i = Array.IndexOf(args, "--port");
        int port = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : 27199;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Console.WriteLine($"echo-peer listening on 127.0.0.1:{port}");
        while (true)
        {
            Socket client = await listener.AcceptAsync().ConfigureAwait(false);
            client.NoDelay = true;
            _ = Task.Run(() => EchoAsync(client));
        }
    }

    private static async Task EchoAsync(Socket client)
    {
        using (client)
        {
            // The answer is built in place: 8-byte length, the status byte, then the payload read straight after it.
            byte[] frame = new byte[64 * 1024];
            try
            {
                while (await ReadExactlyAsync(client, frame.AsMemory(0, 8)).ConfigureAwait(false))
                {
                    long length = (long)BinaryPrimitives.ReadUInt64BigEndian(frame);
                    if (length > Array.MaxLength - 9)
                    {
                        return;
                    }

                    if (frame.Length < length + 9)
                    {
                        frame = new byte[length + 9];
                    }

                    if (!await ReadExactlyAsync(client, frame.AsMemory(9, (int)length)).ConfigureAwait(false))
                    {
                        return;
                    }

                    BinaryPrimitives.WriteUInt64BigEndian(frame, (ulong)length + 1);
                    frame[8] = 0;
                    await client.SendAsync(frame.AsMemory(0, (int)length + 9)).ConfigureAwait(false);
                }
            }
            catch (SocketException)
            {
                // The client went away: the connection's end, nothing to report.
            }
        }
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = await socket.ReceiveAsync(buffer).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }
}
