using CommunityToolkit.HighPerformance.Buffers;
using System.Buffers;
using System.Text;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;

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
    private AnswerBytesBudget? _budget;
    private RequestSource? _source;
    private bool _backlog;
    private V2AnswerHead? _v2Head;

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

    /// <summary>
    /// Protocol v2: the fields the work that made this answer found (width, height, codec, …), for the v2 session to
    /// put in the answer's head; null when the work has none to say (v1 answers, errors, the server's own COMPRESS).
    /// </summary>
    internal V2AnswerFields? V2Fields { get; set; }

    /// <summary>
    /// Protocol v2: the bytes between the status byte and the body (request id, op, fields). Null for v1 answers. Set
    /// once, by the v2 session, before the answer is written.
    /// </summary>
    internal V2AnswerHead? V2Head
    {
        get => _v2Head;
        set
        {
            if (_shared)
            {
                throw new InvalidOperationException("A shared answer cannot carry a v2 head.");
            }

            _v2Head = value;
        }
    }

    /// <summary>The whole answer frame's length on the wire: the 8-byte header, the status byte, the v2 head if any and the body.</summary>
    public long FrameLength => FrameHeader.Size + 1 + (_v2Head?.Length ?? 0) + BodyLength;

    /// <summary>Writes the frame header, the status byte and the v2 head if any: everything before the body.</summary>
    public void WriteHead(IBufferWriter<byte> output)
    {
        int extra = _v2Head?.Length ?? 0;
        Span<byte> head = output.GetSpan(FrameHeader.Size + 1 + extra);
        FrameHeader.Write(head, (ulong)(BodyLength + 1 + extra));
        head[FrameHeader.Size] = (byte)Status;
        _v2Head?.Write(head[(FrameHeader.Size + 1)..]);
        output.Advance(FrameHeader.Size + 1 + extra);
    }

    /// <summary>The number of body segments (<see cref="GetBodySegment"/>), which follow the head in order.</summary>
    public int BodySegmentCount => _message is not null ? 1 : _parts?.Length ?? 0;

    /// <summary>Body segment <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> GetBodySegment(int index) =>
        _message is not null ? _message : (_parts ?? throw new ObjectDisposedException(nameof(ServerResponse)))[index].WrittenMemory;

    /// <summary>
    /// Charges this built answer's body to <paramref name="budget"/> and <paramref name="source"/>'s share until it is
    /// disposed (sent or dropped); false, with nothing charged, when it does not fit. Error answers carry a short
    /// message and are not charged.
    /// </summary>
    internal bool TryChargeTo(AnswerBytesBudget budget, RequestSource source)
    {
        if (_parts is null || _shared)
        {
            return true;
        }

        if (!budget.TryCharge(BodyLength, source, out bool backlog))
        {
            return false;
        }

        _backlog = backlog;
        _budget = budget;
        _source = source;
        return true;
    }

    /// <summary>Returns the band buffers to the pool and releases the answer budget. The shared ping answer ignores this.</summary>
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

        // Once: only the call that took the parts gets here.
        if (_budget is not null)
        {
            _budget.Discharge(BodyLength, _source!, _backlog);
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
