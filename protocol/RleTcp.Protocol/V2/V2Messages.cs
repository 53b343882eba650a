using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Framing;

namespace RleTcp.Protocol.V2;

/// <summary>Where the parts of a v2 request sit in its payload (offsets into the payload).</summary>
/// <param name="Op">The op byte, as sent (it may be unknown: the caller answers BadRequest).</param>
/// <param name="Id">The client's request id, echoed in the answer.</param>
/// <param name="OptionsStart">Offset of the options block.</param>
/// <param name="OptionsLength">Length of the options block.</param>
/// <param name="BodyStart">Offset of the body (the rest of the payload).</param>
public readonly record struct V2RequestHead(byte Op, uint Id, int OptionsStart, int OptionsLength, int BodyStart);

/// <summary>A parsed v2 answer.</summary>
/// <param name="Status">The status byte.</param>
/// <param name="Id">The id of the request it answers (0 for HELLO).</param>
/// <param name="Op">The op of that request.</param>
/// <param name="Fields">Typed fields (width, height, codec, …).</param>
/// <param name="Body">The encoded image or output file when OK; the UTF-8 message otherwise.</param>
public sealed record V2Answer(ResponseStatus Status, uint Id, byte Op, V2AnswerFields Fields, byte[] Body)
{
    /// <summary>The body read as UTF-8 (the message of an error answer).</summary>
    public string Message => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// Pure writers and parsers of v2 messages (docs/PROTOCOL.md, "Version 2"), shared by the server and the .NET client.
/// Framing is v1's: each message is one frame's payload.
/// </summary>
public static class V2Messages
{
    /// <summary>Writes a whole HELLO frame (header included).</summary>
    public static void WriteHelloFrame(IBufferWriter<byte> output)
    {
        FrameHeader.Write(output, V2Wire.HelloLength);
        Span<byte> span = output.GetSpan(V2Wire.HelloLength);
        V2Wire.HelloMagic.CopyTo(span);
        span[8] = V2Wire.Version;
        output.Advance(V2Wire.HelloLength);
    }

    /// <summary>
    /// Writes a request frame's header, op, id and options; the caller writes the <paramref name="bodyLength"/> body
    /// bytes right after. Returns the bytes written.
    /// </summary>
    public static int WriteRequestHead(IBufferWriter<byte> output, V2Op op, uint id, V2RequestOptions options, long bodyLength)
    {
        ArgumentNullException.ThrowIfNull(options);
        int optionsLength = options.Length;
        FrameHeader.Write(output, (ulong)(V2Wire.RequestHeadSize + optionsLength + bodyLength));
        Span<byte> head = output.GetSpan(V2Wire.RequestHeadSize + optionsLength);
        head[0] = (byte)op;
        BinaryPrimitives.WriteUInt32BigEndian(head[1..], id);
        BinaryPrimitives.WriteUInt16BigEndian(head[5..], (ushort)optionsLength);
        options.Write(head[V2Wire.RequestHeadSize..]);
        output.Advance(V2Wire.RequestHeadSize + optionsLength);
        return FrameHeader.Size + V2Wire.RequestHeadSize + optionsLength;
    }

    /// <summary>
    /// Splits a request payload into op, id, options and body. False when the payload is shorter than the 7-byte head
    /// or the options length runs past its end; <paramref name="head"/> then still carries the op and id when they
    /// were there (else 0), so the BadRequest answer can echo them.
    /// </summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> payload, out V2RequestHead head, out string? error)
    {
        byte op = payload.Length > 0 ? payload[0] : (byte)0;
        uint id = payload.Length >= 5 ? BinaryPrimitives.ReadUInt32BigEndian(payload[1..]) : 0;
        if (payload.Length < V2Wire.RequestHeadSize)
        {
            head = new V2RequestHead(op, id, 0, 0, payload.Length);
            error = $"A v2 request starts with 7 bytes (op, id, options length); this one has {payload.Length}.";
            return false;
        }

        int optionsLength = BinaryPrimitives.ReadUInt16BigEndian(payload[5..]);
        if (V2Wire.RequestHeadSize + optionsLength > payload.Length)
        {
            head = new V2RequestHead(op, id, 0, 0, payload.Length);
            error = $"The options block declares {optionsLength} bytes; only {payload.Length - V2Wire.RequestHeadSize} follow.";
            return false;
        }

        head = new V2RequestHead(op, id, V2Wire.RequestHeadSize, optionsLength, V2Wire.RequestHeadSize + optionsLength);
        error = null;
        return true;
    }

    /// <summary>
    /// Parses one answer frame off the front of <paramref name="input"/>, in <see cref="FrameParser"/>'s shape:
    /// pass <paramref name="consumed"/> and <paramref name="examined"/> to <c>AdvanceTo</c>.
    /// </summary>
    /// <returns>Parsed (with <paramref name="answer"/>), Incomplete, or TooLarge (declared over <paramref name="maxFrameBytes"/>).</returns>
    /// <exception cref="V2FormatException">The frame is whole but is not a v2 answer.</exception>
    public static FrameParseStatus TryParseAnswerFrame(
        in ReadOnlySequence<byte> input,
        long maxFrameBytes,
        out SequencePosition consumed,
        out SequencePosition examined,
        out V2Answer? answer)
    {
        answer = null;
        FrameParseStatus status = FrameParser.TryParse(input, maxFrameBytes, out consumed, out examined, out ReadOnlySequence<byte> payload, out _);
        if (status == FrameParseStatus.Parsed)
        {
            answer = ParseAnswer(payload);
        }

        return status;
    }

    /// <summary>Parses an answer payload (a whole frame's payload).</summary>
    /// <exception cref="V2FormatException">Shorter than its head, or the fields run past the end.</exception>
    public static V2Answer ParseAnswer(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < V2Wire.AnswerHeadSize)
        {
            throw new V2FormatException($"A v2 answer starts with 8 bytes (status, id, op, fields length); this one has {payload.Length}.");
        }

        Span<byte> head = stackalloc byte[V2Wire.AnswerHeadSize];
        payload.Slice(0, V2Wire.AnswerHeadSize).CopyTo(head);
        int fieldsLength = BinaryPrimitives.ReadUInt16BigEndian(head[6..]);
        if (V2Wire.AnswerHeadSize + fieldsLength > payload.Length)
        {
            throw new V2FormatException($"The answer's fields block declares {fieldsLength} bytes; fewer follow.");
        }

        byte[] fields = payload.Slice(V2Wire.AnswerHeadSize, fieldsLength).ToArray();
        byte op = head[5];
        return new V2Answer(
            (ResponseStatus)head[0],
            BinaryPrimitives.ReadUInt32BigEndian(head[1..]),
            op,
            V2AnswerFields.Parse(fields, hello: op == (byte)V2Op.Hello),
            payload.Slice(V2Wire.AnswerHeadSize + fieldsLength).ToArray());
    }
}
