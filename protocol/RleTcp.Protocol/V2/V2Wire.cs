namespace RleTcp.Protocol.V2;

/// <summary>The fixed numbers of protocol v2 (docs/PROTOCOL.md, "Version 2"). They are part of the wire and never change.</summary>
public static class V2Wire
{
    /// <summary>The protocol version this library speaks.</summary>
    public const byte Version = 2;

    /// <summary>
    /// The first 8 bytes of a HELLO payload, <c>"RLETCPv2"</c>. No supported image format can start with it: PNG, BMP,
    /// GIF, TIFF, PNM, JPEG and WebP have other magics, and TGA (which has none) needs byte 1 to be 0 or 1 (here 'L').
    /// A v1 server therefore answers a HELLO InvalidImage, which is how a client learns it must fall back to v1.
    /// </summary>
    public static ReadOnlySpan<byte> HelloMagic => "RLETCPv2"u8;

    /// <summary>The HELLO payload: the magic, then the highest version the client speaks.</summary>
    public const int HelloLength = 9;

    /// <summary>Bytes before the options of a request: op (1), id (4), options length (2).</summary>
    public const int RequestHeadSize = 7;

    /// <summary>Bytes before the fields of an answer: status (1), id (4), op (1), fields length (2).</summary>
    public const int AnswerHeadSize = 8;

    /// <summary>Whether <paramref name="payload"/> is a HELLO (the magic, then at least the version byte).</summary>
    public static bool IsHello(ReadOnlySpan<byte> payload) =>
        payload.Length >= HelloLength && payload.StartsWith(HelloMagic);
}

/// <summary>The op byte of a v2 request; the answer echoes it.</summary>
public enum V2Op : byte
{
    /// <summary>The negotiation (only as the first frame, and in its answer).</summary>
    Hello = 0,

    /// <summary>Image → 1 bit → codec.</summary>
    Compress = 1,

    /// <summary>Format, size, mode and frame count from the header; no pixel is decoded.</summary>
    Info = 2,

    /// <summary>An encoded bilevel image (RLE or another codec) → PNG, BMP, PBM or TIFF.</summary>
    Decompress = 3,

    /// <summary>Cancels the in-flight request whose id is the 4-byte body.</summary>
    Cancel = 4,

    /// <summary>Answered OK with nothing.</summary>
    Ping = 5,
}

/// <summary>The tag byte of a request option (u8 tag, u8 length, value).</summary>
public enum V2OptionTag : byte
{
    /// <summary>u8: 0 = pillow, 1 = threshold.</summary>
    Conversion = 0x01,

    /// <summary>u8 0..255: the threshold level (white when luma &gt;= level); implies threshold conversion.</summary>
    ThresholdLevel = 0x02,

    /// <summary>No value: white and black are swapped after conversion.</summary>
    Invert = 0x03,

    /// <summary>u32: the frame (GIF) or page (TIFF) to convert, from 0.</summary>
    Page = 0x04,

    /// <summary>u16 1..65535: resize to this width before conversion.</summary>
    Width = 0x05,

    /// <summary>u16 1..65535: resize to this height before conversion.</summary>
    Height = 0x06,

    /// <summary>UTF-8: the resize filter (nearest, box, bilinear, bicubic, lanczos3).</summary>
    Filter = 0x07,

    /// <summary>UTF-8: the output codec (COMPRESS) or the input codec (DECOMPRESS); default rle.</summary>
    Codec = 0x08,

    /// <summary>u32 ms &gt;= 1: the request's deadline, counted from its last byte; never later than the server's.</summary>
    DeadlineMs = 0x09,

    /// <summary>u64 &gt;= 1: a pixel budget for this request; never larger than the server's.</summary>
    MaxPixels = 0x0A,

    /// <summary>UTF-8: DECOMPRESS output format (png, bmp, pbm, tiff); default png.</summary>
    Format = 0x0B,
}

/// <summary>The tag byte of an answer field (u8 tag, u8 length, value). Clients ignore tags they do not know.</summary>
public enum V2FieldTag : byte
{
    /// <summary>u32: image width.</summary>
    Width = 0x01,

    /// <summary>u32: image height.</summary>
    Height = 0x02,

    /// <summary>UTF-8: the codec of the body (COMPRESS) or of the input (DECOMPRESS).</summary>
    Codec = 0x03,

    /// <summary>UTF-8: the image format (INFO: the source's; DECOMPRESS: the output's).</summary>
    Format = 0x04,

    /// <summary>UTF-8: the Pillow mode the source opens in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16", "CMYK").</summary>
    Mode = 0x05,

    /// <summary>u32: frames (GIF) or pages (TIFF); 1 for other formats.</summary>
    Frames = 0x06,

    /// <summary>u8: 1 when a CANCEL found the request in flight and cancelled it, 0 when it was unknown or done.</summary>
    Cancelled = 0x07,

    /// <summary>HELLO: u8 protocol version the connection now speaks.</summary>
    ProtocolVersion = 0x10,

    /// <summary>HELLO: UTF-8 server name and version.</summary>
    ServerVersion = 0x11,

    /// <summary>HELLO: u64 largest request payload.</summary>
    MaxFrameBytes = 0x12,

    /// <summary>HELLO: u64 pixel budget.</summary>
    MaxPixels = 0x13,

    /// <summary>HELLO: u32 in-flight requests allowed per connection.</summary>
    MaxInFlight = 0x14,

    /// <summary>HELLO: UTF-8 comma-separated op names.</summary>
    Ops = 0x15,

    /// <summary>HELLO: UTF-8 comma-separated option names.</summary>
    Options = 0x16,

    /// <summary>HELLO: UTF-8 comma-separated codec names (the first is the default).</summary>
    Codecs = 0x17,

    /// <summary>HELLO: UTF-8 comma-separated DECOMPRESS output formats.</summary>
    Formats = 0x18,

    /// <summary>HELLO: UTF-8 comma-separated resize filters.</summary>
    Filters = 0x19,

    /// <summary>HELLO: u32 the server's request time limit in ms (a deadline option can only be shorter).</summary>
    RequestTimeoutMs = 0x1A,
}
