using CommunityToolkit.HighPerformance.Buffers;
using System.Buffers;
using System.Text;
using RleTcp.Protocol.Framing;

namespace RleTcp.Server.Execution;

/// <summary>
/// One answer frame: a status byte and a body that is either a UTF-8 message or the encoded bands, in order.
/// Owns the pooled band buffers until <see cref="Dispose"/>.
/// </summary>
public sealed class ServerResponse : IDisposable
{
    private readonly byte[]? _message;
    private ArrayPoolBufferWriter<byte>[]? _parts;
    private readonly bool _shared;

    private ServerResponse(ResponseStatus status, byte[]? message, ArrayPoolBufferWriter<byte>[]? parts, bool closes, bool shared)
    {
        Status = status;
        _message = message;
        _parts = parts;
        ClosesConnection = closes;
        _shared = shared;
        BodyLength = message?.Length ?? TotalLength(parts);
    }

    /// <summary>The answer to a ping: status 0, empty body.</summary>
    public static ServerResponse Ping { get; } = new(ResponseStatus.Ok, message: null, parts: null, closes: false, shared: true);

    /// <summary>Whether this is the answer to a ping (counted apart from image requests).</summary>
    internal bool IsPing => ReferenceEquals(this, Ping);

    /// <summary>The status byte.</summary>
    public ResponseStatus Status { get; }

    /// <summary>Whether the server closes the connection after sending this answer.</summary>
    public bool ClosesConnection { get; }

    /// <summary>The body length in bytes (the frame's payload is one byte longer).</summary>
    public long BodyLength { get; }

    /// <summary>The whole answer frame's length on the wire: the 8-byte header, the status byte and the body.</summary>
    public long FrameLength => FrameHeader.Size + 1 + BodyLength;

    /// <summary>The UTF-8 message for an error answer; null for <see cref="ResponseStatus.Ok"/>.</summary>
    public string? Message => Status == ResponseStatus.Ok || _message is null ? null : Encoding.UTF8.GetString(_message);

    /// <summary>Status 0 with the concatenation of <paramref name="parts"/> as body; takes ownership of them.</summary>
    public static ServerResponse Ok(ArrayPoolBufferWriter<byte>[] parts) =>
        new(ResponseStatus.Ok, message: null, parts, closes: false, shared: false);

    /// <summary>An error answer with a UTF-8 <paramref name="message"/>.</summary>
    public static ServerResponse Error(ResponseStatus status, string message, bool closesConnection = false)
    {
        if (status == ResponseStatus.Ok)
        {
            throw new ArgumentException("An error answer cannot have status Ok.", nameof(status));
        }

        return new ServerResponse(status, Encoding.UTF8.GetBytes(message), parts: null, closesConnection, shared: false);
    }

    /// <summary>Writes the frame header and the status byte: the first 9 bytes of the frame.</summary>
    public void WriteHead(IBufferWriter<byte> output)
    {
        Span<byte> head = output.GetSpan(FrameHeader.Size + 1);
        FrameHeader.Write(head, (ulong)BodyLength + 1);
        head[FrameHeader.Size] = (byte)Status;
        output.Advance(FrameHeader.Size + 1);
    }

    /// <summary>The number of body segments (<see cref="GetBodySegment"/>), which follow the head in order.</summary>
    public int BodySegmentCount => _message is not null ? 1 : _parts?.Length ?? 0;

    /// <summary>Body segment <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> GetBodySegment(int index) =>
        _message is not null ? _message : (_parts ?? throw new ObjectDisposedException(nameof(ServerResponse)))[index].WrittenMemory;

    /// <summary>Returns the band buffers to the pool. The shared ping answer ignores this.</summary>
    public void Dispose()
    {
        if (_shared)
        {
            return;
        }

        ArrayPoolBufferWriter<byte>[]? parts = Interlocked.Exchange(ref _parts, null);
        if (parts is null)
        {
            return;
        }

        foreach (ArrayPoolBufferWriter<byte> part in parts)
        {
            part.Dispose();
        }
    }

    // A plain loop: this runs once per answer, and LINQ's Sum would allocate a delegate and an enumerator each time.
    private static long TotalLength(ArrayPoolBufferWriter<byte>[]? parts)
    {
        long total = 0;
        if (parts is not null)
        {
            foreach (ArrayPoolBufferWriter<byte> part in parts)
            {
                total += part.WrittenCount;
            }
        }

        return total;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Status} ({BodyLength} body bytes)";
}
