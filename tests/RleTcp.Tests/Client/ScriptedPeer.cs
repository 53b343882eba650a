using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RleTcp.Protocol.Framing;

namespace RleTcp.Tests.Client;

/// <summary>
/// A loopback TCP listener that plays a scripted server for each accepted connection. It exists for the server
/// behaviours a correct RleTcp server never shows (answers nobody asked for, oversized or empty frames, stalls),
/// which the client must survive; the real server is used for everything else.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<NetworkStream, Task> _script;
    private readonly bool _answersHello;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _accepted;

    /// <param name="script">What the peer does on each connection.</param>
    /// <param name="answersHello">
    /// Plays a v1 server for an <see cref="RleTcp.Client.RleTcpClient"/> (which opens with a HELLO); false for clients
    /// that send no HELLO (the textbook client).
    /// </param>
    public ScriptedPeer(Func<NetworkStream, Task> script, bool answersHello = true)
    {
        _script = script;
        _answersHello = answersHello;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Answers every request with OK and the request's own bytes as the body, so answers can be matched.</summary>
    public static ScriptedPeer Echo() => new(async stream =>
    {
        while (await ReadFrameAsync(stream) is { } payload)
        {
            await WriteAnswerAsync(stream, ResponseStatus.Ok, payload);
        }
    });

    public static async Task<byte[]?> ReadFrameAsync(NetworkStream stream)
    {
        byte[] header = new byte[FrameHeader.Size];
        int got = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            return null;
        }

        byte[] payload = new byte[checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header))];
        await stream.ReadExactlyAsync(payload);
        return payload;
    }

    public static Task WriteAnswerAsync(NetworkStream stream, ResponseStatus status, ReadOnlySpan<byte> body) =>
        WriteRawFrameAsync(stream, [(byte)status, .. body]);

    public static async Task WriteRawFrameAsync(NetworkStream stream, byte[] payload, ulong? declaredLength = null)
    {
        byte[] frame = new byte[FrameHeader.Size + payload.Length];
        BinaryPrimitives.WriteUInt64BigEndian(frame, declaredLength ?? (ulong)payload.Length);
        payload.CopyTo(frame, FrameHeader.Size);
        await stream.WriteAsync(frame);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        // Scripts end when their client closes; a bound keeps a broken test from hanging the suite.
        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_connections)
            {
                _connections.Add(RunAsync(socket));
            }
        }
    }

    private async Task RunAsync(Socket socket)
    {
        using (socket)
        await using (var stream = new NetworkStream(socket, ownsSocket: false))
        {
            try
            {
                // A v1 server, as every one before protocol v2: the client's opening HELLO (docs/PROTOCOL.md) is not an
                // image, so it is answered InvalidImage and the client goes on in v1, which is what the scripts play.
                if (_answersHello)
                {
                    byte[]? hello = await ReadFrameAsync(stream);
                    if (hello is null)
                    {
                        return;
                    }

                    if (!RleTcp.Protocol.V2.V2Wire.IsHello(hello))
                    {
                        throw new InvalidOperationException("ScriptedPeer expects the client's HELLO first (RleTcpProtocol.Auto).");
                    }

                    await WriteAnswerAsync(stream, ResponseStatus.InvalidImage, "The payload is not an image in any supported format."u8);
                }

                await _script(stream);
            }
            catch (IOException)
            {
                // The client went away mid-script: that is what several tests do on purpose.
            }
        }
    }
}
