using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using RleTcp.Protocol.Framing;

namespace RleTcp.Tests.Support;

/// <summary>One answer frame: the status byte and the body.</summary>
public sealed record Answer(ResponseStatus Status, byte[] Body)
{
    /// <summary>The body as UTF-8 (the message of an error answer).</summary>
    public string Message => Encoding.UTF8.GetString(Body);

    /// <inheritdoc/>
    public override string ToString() => $"{Status}: {(Status == ResponseStatus.Ok ? $"{Body.Length} bytes" : Message)}";
}

/// <summary>
/// A deliberately raw client for server tests: it writes exactly the bytes a test gives it and reads frames off the
/// socket itself, so tests see what is on the wire. Every read is bounded by <see cref="TestServer.Patience"/>.
/// </summary>
public sealed class FrameClient : IAsyncDisposable
{
    public FrameClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>The 8-byte header and the payload, as one array.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[FrameHeader.Size + payload.Length];
        FrameHeader.Write(frame, (ulong)payload.Length);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    /// <summary>Just a header declaring <paramref name="length"/>.</summary>
    public static byte[] Header(ulong length)
    {
        byte[] header = new byte[FrameHeader.Size];
        FrameHeader.Write(header, length);
        return header;
    }

    public Task SendFrameAsync(ReadOnlySpan<byte> payload) => SendRawAsync(Frame(payload));

    public Task PingAsync() => SendRawAsync(Header(0));

    public Task SendRawAsync(byte[] bytes) => SendRawAsync(bytes.AsMemory());

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        while (!bytes.IsEmpty)
        {
            int sent = await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Half-closes: sends FIN, keeps reading.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads one answer; null when the server closed the connection cleanly at a frame boundary.</summary>
    public async Task<Answer?> ReadAnswerOrEndAsync(TimeSpan? patience = null)
    {
        byte[] header = new byte[FrameHeader.Size];
        int got = await ReadAsync(header, patience);
        if (got == 0)
        {
            return null;
        }

        if (got < header.Length)
        {
            throw new EndOfStreamException($"The connection ended inside an answer header ({got} of 8 bytes).");
        }

        ulong length = BinaryPrimitives.ReadUInt64BigEndian(header);
        if (length == 0 || length > int.MaxValue)
        {
            throw new InvalidDataException($"Answer frame length {length} is not a valid answer.");
        }

        byte[] payload = new byte[length];
        if (await ReadAsync(payload, patience) < payload.Length)
        {
            throw new EndOfStreamException("The connection ended inside an answer payload.");
        }

        return new Answer((ResponseStatus)payload[0], payload[1..]);
    }

    /// <summary>Reads one answer; fails when the connection ends instead.</summary>
    /// <remarks><paramref name="patience"/> bounds each read (default <see cref="TestServer.Patience"/>).</remarks>
    public async Task<Answer> ReadAnswerAsync(TimeSpan? patience = null) =>
        await ReadAnswerOrEndAsync(patience) ?? throw new EndOfStreamException("The server closed the connection instead of answering.");

    /// <summary>Asserts the server closes the connection (FIN) with no further bytes.</summary>
    public async Task AssertClosedAsync()
    {
        byte[] one = new byte[1];
        int got = await ReadAsync(one);
        Assert.True(got == 0, "The server sent more bytes where it should have closed the connection.");
    }

    /// <summary>Sends a ping and checks the exact 9 answer bytes.</summary>
    public async Task AssertPingAsync()
    {
        await PingAsync();
        await AssertPingAsync_AnswerOnly();
    }

    /// <summary>Reads the exact 9 bytes of a ping answer (for a ping sent earlier).</summary>
    public async Task AssertPingAsync_AnswerOnly()
    {
        byte[] answer = new byte[9];
        Assert.Equal(9, await ReadAsync(answer));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1, 0 }, answer);
    }

    // Fills buffer unless the stream ends; returns the bytes read.
    private async Task<int> ReadAsync(byte[] buffer, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? TestServer.Patience);
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await Socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
