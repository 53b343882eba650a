using System.Reflection;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Rle;
using RleTcp.Protocol.V2;
using RleTcp.Server.Execution;
using RleTcp.Server.Execution.V2;

namespace RleTcp.Server.Transport.V2;

// The answers the session builds itself (HELLO, errors, connection-level answers) and the v2 head every answer gets:
// WithHead (and WithRleHead, for a COMPRESS the server's processor answered) are the places a head is made (the work
// classes only say their fields, in ServerResponse.V2Fields).
internal sealed partial class V2Session
{
    private static readonly string ServerVersion =
        "RleTcp/" + (typeof(V2Session).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private static readonly string[] OpNames = ["hello", "compress", "info", "decompress", "cancel", "ping"];

    /// <summary>What HELLO announces, from the operator's options.</summary>
    public V2ServerInfo ServerInfo => new()
    {
        ProtocolVersion = V2Wire.Version,
        ServerVersion = ServerVersion,
        MaxFrameBytes = (ulong)_options.MaxFrameBytes,
        MaxPixels = (ulong)_options.MaxPixels,
        MaxInFlight = (uint)MaxInFlight,
        RequestTimeoutMs = (uint)Math.Min(uint.MaxValue, _options.RequestTimeout.TotalMilliseconds),
        Ops = OpNames,
        Options = V2RequestOptions.Names,
        Codecs = V2Codecs.Names,
        Formats = V2RequestOptions.OutputFormats,
        Filters = V2RequestOptions.Filters,
    };

    /// <summary>The answer to the HELLO that opened the connection.</summary>
    public ServerResponse Hello()
    {
        _metrics.V2Negotiated();
        LogNegotiated(_connectionId, MaxInFlight);
        return WithHead(ServerResponse.Ok([]), 0, (byte)V2Op.Hello, new V2AnswerFields { Server = ServerInfo });
    }

    /// <summary>
    /// Gives an answer that belongs to no request (FrameTooLarge, a frame Timeout before closing) the v2 head: id 0,
    /// op 0xFF.
    /// </summary>
    public static ServerResponse ConnectionLevel(ServerResponse answer) => WithHead(answer, 0, 0xFF, V2AnswerFields.None);

    /// <summary>The Busy answer to a frame dropped for the buffer budget; <paramref name="head"/> is its first bytes.</summary>
    public ServerResponse OverBudget(ReadOnlySpan<byte> head)
    {
        V2Messages.TryParseRequest(head, out V2RequestHead h, out _);
        return Error(h.Id, h.Op, ResponseStatus.Busy, "The server is holding as many request bytes as it allows; retry later.");
    }

    /// <summary>The answer to an empty frame: v2 requests have a head.</summary>
    public ServerResponse EmptyFrame() =>
        Error(0, 0, ResponseStatus.BadRequest, "An empty frame is not a v2 request (a v2 PING is op 5 with a 7-byte head).");

    // A COMPRESS the server's processor answered: width and height come from the RLE header it starts with. The
    // head then holds them itself (no fields object per answer).
    private static ServerResponse WithRleHead(ServerResponse answer, uint id, byte op, string codec)
    {
        if (answer.BodySegmentCount > 0 && RleDecoder.TryReadHeader(answer.GetBodySegment(0).Span, out int width, out int height))
        {
            answer.V2Head = new V2AnswerHead(id, op, (ushort)width, (ushort)height, codec);
            return answer;
        }

        return WithHead(answer, id, op, new V2AnswerFields { Codec = codec });
    }

    private ServerResponse Answered(ServerResponse answer, string op, string? codec)
    {
        _metrics.V2Answered(op, codec, answer.Status);
        return answer;
    }

    private ServerResponse Error(uint id, byte op, ResponseStatus status, string message)
    {
        if (status == ResponseStatus.BadRequest)
        {
            LogBadRequest(_connectionId, id, op, message);
        }

        return Answered(WithHead(ServerResponse.Error(status, message), id, op, V2AnswerFields.None), OpName(op), null);
    }

    private static ServerResponse WithHead(ServerResponse answer, uint id, byte op, V2AnswerFields fields)
    {
        answer.V2Head = new V2AnswerHead(id, op, fields);
        return answer;
    }

    internal static string OpName(byte op) => op < OpNames.Length ? OpNames[op] : "unknown";
}
