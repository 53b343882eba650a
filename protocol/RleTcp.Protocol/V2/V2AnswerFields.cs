namespace RleTcp.Protocol.V2;

/// <summary>
/// The fields block of a v2 answer, typed. Which fields an answer carries depends on its op (docs/PROTOCOL.md);
/// a field not sent is null. Unknown tags are skipped when parsing, so a newer server's extra fields do not break
/// an older client.
/// </summary>
public sealed record V2AnswerFields : IV2Block
{
    /// <summary>No fields (errors, PING).</summary>
    public static V2AnswerFields None { get; } = new();

    /// <summary>Width in pixels (COMPRESS, INFO, DECOMPRESS).</summary>
    public uint? Width { get; init; }

    /// <summary>Height in pixels (COMPRESS, INFO, DECOMPRESS).</summary>
    public uint? Height { get; init; }

    /// <summary>The codec (COMPRESS: of the body; DECOMPRESS: of the input).</summary>
    public string? Codec { get; init; }

    /// <summary>The format (INFO: the source's, e.g. "PNG"; DECOMPRESS: the output's, e.g. "png").</summary>
    public string? Format { get; init; }

    /// <summary>INFO: the Pillow mode the source opens in.</summary>
    public string? Mode { get; init; }

    /// <summary>INFO: frames or pages.</summary>
    public uint? Frames { get; init; }

    /// <summary>CANCEL: whether the target was found in flight and cancelled.</summary>
    public bool? Cancelled { get; init; }

    /// <summary>HELLO: what the server offers; null on other answers.</summary>
    public V2ServerInfo? Server { get; init; }

    /// <summary>The block's length in bytes (without its u16 length), counted without writing it.</summary>
    public int Length => V2TlvWriter.LengthOf(this);

    /// <summary>Writes the block (without its u16 length) into <paramref name="destination"/>, which holds at least
    /// <see cref="Length"/> bytes; returns its length.</summary>
    public int Write(Span<byte> destination) => V2TlvWriter.WriteBlock(this, destination);

    /// <summary>The width, height and codec entries, in their place first in the block (also for <see cref="V2AnswerHead"/>'s
    /// size-and-codec head).</summary>
    internal static void WriteSizeAndCodec(ref V2TlvWriter w, uint? width, uint? height, string? codec)
    {
        if (width is { } wide)
        {
            w.WriteU32((byte)V2FieldTag.Width, wide);
        }

        if (height is { } high)
        {
            w.WriteU32((byte)V2FieldTag.Height, high);
        }

        if (codec is { } name)
        {
            w.WriteString((byte)V2FieldTag.Codec, name);
        }
    }

    void IV2Block.WriteEntries(ref V2TlvWriter w)
    {
        WriteSizeAndCodec(ref w, Width, Height, Codec);

        if (Format is { } format)
        {
            w.WriteString((byte)V2FieldTag.Format, format);
        }

        if (Mode is { } mode)
        {
            w.WriteString((byte)V2FieldTag.Mode, mode);
        }

        if (Frames is { } frames)
        {
            w.WriteU32((byte)V2FieldTag.Frames, frames);
        }

        if (Cancelled is { } cancelled)
        {
            w.WriteU8((byte)V2FieldTag.Cancelled, cancelled ? (byte)1 : (byte)0);
        }

        if (Server is { } s)
        {
            w.WriteU8((byte)V2FieldTag.ProtocolVersion, s.ProtocolVersion);
            w.WriteString((byte)V2FieldTag.ServerVersion, s.ServerVersion);
            w.WriteU64((byte)V2FieldTag.MaxFrameBytes, s.MaxFrameBytes);
            w.WriteU64((byte)V2FieldTag.MaxPixels, s.MaxPixels);
            w.WriteU32((byte)V2FieldTag.MaxInFlight, s.MaxInFlight);
            w.WriteU32((byte)V2FieldTag.RequestTimeoutMs, s.RequestTimeoutMs);
            w.WriteString((byte)V2FieldTag.Ops, string.Join(',', s.Ops));
            w.WriteString((byte)V2FieldTag.Options, string.Join(',', s.Options));
            w.WriteString((byte)V2FieldTag.Codecs, string.Join(',', s.Codecs));
            w.WriteString((byte)V2FieldTag.Formats, string.Join(',', s.Formats));
            w.WriteString((byte)V2FieldTag.Filters, string.Join(',', s.Filters));
        }
    }

    /// <summary>Parses a fields block; <paramref name="hello"/> collects the HELLO fields into <see cref="Server"/>.</summary>
    /// <exception cref="V2FormatException">An entry is cut off or a known field has the wrong size.</exception>
    public static V2AnswerFields Parse(ReadOnlySpan<byte> block, bool hello)
    {
        var reader = new V2TlvReader(block);
        var result = new V2AnswerFields();
        var server = new V2ServerInfo();
        while (reader.TryRead(out byte tag, out ReadOnlySpan<byte> value))
        {
            switch ((V2FieldTag)tag)
            {
                case V2FieldTag.Width: result = result with { Width = (uint)V2TlvReader.ReadUnsigned(value, 4, "width") }; break;
                case V2FieldTag.Height: result = result with { Height = (uint)V2TlvReader.ReadUnsigned(value, 4, "height") }; break;
                case V2FieldTag.Codec: result = result with { Codec = V2TlvReader.ReadString(value, "codec") }; break;
                case V2FieldTag.Format: result = result with { Format = V2TlvReader.ReadString(value, "format") }; break;
                case V2FieldTag.Mode: result = result with { Mode = V2TlvReader.ReadString(value, "mode") }; break;
                case V2FieldTag.Frames: result = result with { Frames = (uint)V2TlvReader.ReadUnsigned(value, 4, "frames") }; break;
                case V2FieldTag.Cancelled: result = result with { Cancelled = V2TlvReader.ReadUnsigned(value, 1, "cancelled") != 0 }; break;
                case V2FieldTag.ProtocolVersion: server = server with { ProtocolVersion = (byte)V2TlvReader.ReadUnsigned(value, 1, "protocol version") }; break;
                case V2FieldTag.ServerVersion: server = server with { ServerVersion = V2TlvReader.ReadString(value, "server version") }; break;
                case V2FieldTag.MaxFrameBytes: server = server with { MaxFrameBytes = V2TlvReader.ReadUnsigned(value, 8, "max frame bytes") }; break;
                case V2FieldTag.MaxPixels: server = server with { MaxPixels = V2TlvReader.ReadUnsigned(value, 8, "max pixels") }; break;
                case V2FieldTag.MaxInFlight: server = server with { MaxInFlight = (uint)V2TlvReader.ReadUnsigned(value, 4, "max in-flight") }; break;
                case V2FieldTag.RequestTimeoutMs: server = server with { RequestTimeoutMs = (uint)V2TlvReader.ReadUnsigned(value, 4, "request timeout") }; break;
                case V2FieldTag.Ops: server = server with { Ops = List(value, "ops") }; break;
                case V2FieldTag.Options: server = server with { Options = List(value, "options") }; break;
                case V2FieldTag.Codecs: server = server with { Codecs = List(value, "codecs") }; break;
                case V2FieldTag.Formats: server = server with { Formats = List(value, "formats") }; break;
                case V2FieldTag.Filters: server = server with { Filters = List(value, "filters") }; break;
                default: break; // a field from a newer server
            }
        }

        return hello ? result with { Server = server } : result;
    }

    private static string[] List(ReadOnlySpan<byte> value, string name)
    {
        string s = V2TlvReader.ReadString(value, name);
        return s.Length == 0 ? [] : s.Split(',');
    }
}

/// <summary>What a v2 server announces in its HELLO answer.</summary>
public sealed record V2ServerInfo
{
    /// <summary>The protocol version the connection speaks from now on (2).</summary>
    public byte ProtocolVersion { get; init; }

    /// <summary>The server's name and version, e.g. "RleTcp/0.1.0".</summary>
    public string ServerVersion { get; init; } = "";

    /// <summary>The largest request payload accepted (FrameTooLarge above it).</summary>
    public ulong MaxFrameBytes { get; init; }

    /// <summary>The pixel budget; a request's max-pixels can only be lower.</summary>
    public ulong MaxPixels { get; init; }

    /// <summary>Requests in flight per connection; more are answered Busy.</summary>
    public uint MaxInFlight { get; init; }

    /// <summary>The server's request time limit; a request's deadline can only be shorter.</summary>
    public uint RequestTimeoutMs { get; init; }

    /// <summary>Op names.</summary>
    public IReadOnlyList<string> Ops { get; init; } = [];

    /// <summary>Option names.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Codec names; the first is the default.</summary>
    public IReadOnlyList<string> Codecs { get; init; } = [];

    /// <summary>DECOMPRESS output formats.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>Resize filters.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];
}
