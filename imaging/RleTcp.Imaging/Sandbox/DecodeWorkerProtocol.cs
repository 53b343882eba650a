using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// The bytes between the server (or the CLI) and a decode worker, over the worker's stdin and stdout. Both ends are
/// on the same machine, so the packed words travel in native byte order, straight into <see cref="BitImage.Words"/>.
/// </summary>
/// <remarks>
/// Worker → parent, once at start: <see cref="Ready"/>.
/// Request: payload length (int32 LE), allowed formats (int32 LE), max pixels (int64 LE), conversion mode (1 byte),
/// page (int32 LE), threshold level (1 byte), then the conversion: page (int32 LE), width and height (uint16 LE
/// each, 0 = not given), filter (1 byte, an index into <see cref="Filters"/>), invert (1 byte); then the payload.
/// Answer: a status byte; <see cref="DecodeWorkerStatus.Ok"/> is followed by width and height (int32 LE each) and
/// the image's words; any other status by a message length (int32 LE) and that many bytes of UTF-8.
/// The parent treats the answer as hostile too (the worker ran the hostile input): sizes and lengths are checked
/// before anything is allocated from them.
/// </remarks>
internal static class DecodeWorkerProtocol
{
    /// <summary>The byte a worker writes once it is ready for requests.</summary>
    public const byte Ready = 0x52;

    /// <summary>The request header's size.</summary>
    public const int RequestHeaderSize = 32;

    /// <summary>The resize filters by their index on this pipe: protocol v2's filter names.</summary>
    public static IReadOnlyList<string> Filters => RleTcp.Protocol.V2.V2RequestOptions.Filters;

    /// <summary>The longest error message accepted from a worker.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>The largest payload a worker accepts (the server's frames are far smaller).</summary>
    public const int MaxPayloadBytes = int.MaxValue - 64;

    public static void WriteRequestHeader(Span<byte> header, int payloadLength, IntakeOptions options, ConversionRequest conversion)
    {
        int filter = IndexOfFilter(conversion.Filter);
        if (filter < 0 || conversion.Width is < 0 or > ushort.MaxValue || conversion.Height is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("The conversion cannot travel to a decode worker (unknown filter or size out of range).", nameof(conversion));
        }

        BinaryPrimitives.WriteInt32LittleEndian(header, payloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], (int)options.AllowedFormats);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], options.MaxPixels);
        header[16] = (byte)options.Mode;
        BinaryPrimitives.WriteInt32LittleEndian(header[17..], options.Page);
        header[21] = options.ThresholdLevel;
        BinaryPrimitives.WriteInt32LittleEndian(header[22..], conversion.Page);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)(conversion.Width ?? 0));
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(conversion.Height ?? 0));
        header[30] = (byte)filter;
        header[31] = conversion.Invert ? (byte)1 : (byte)0;
    }

    // A loop, not a LINQ copy: this runs once per library decode.
    private static int IndexOfFilter(string name)
    {
        for (int i = 0; i < Filters.Count; i++)
        {
            if (Filters[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    public static (int PayloadLength, IntakeOptions Options, ConversionRequest Conversion) ReadRequestHeader(ReadOnlySpan<byte> header)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var options = new IntakeOptions
        {
            AllowedFormats = (ImageFormats)BinaryPrimitives.ReadInt32LittleEndian(header[4..]) & ImageFormats.All,
            MaxPixels = BinaryPrimitives.ReadInt64LittleEndian(header[8..]),
            Mode = Enum.IsDefined((ConversionMode)header[16]) ? (ConversionMode)header[16] : ConversionMode.Pillow,
            Page = Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(header[17..])),
            ThresholdLevel = header[21],
        };
        ushort width = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
        ushort height = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        var conversion = new ConversionRequest
        {
            Page = Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(header[22..])),
            Width = width == 0 ? null : width,
            Height = height == 0 ? null : height,
            Filter = Filters[Math.Min((int)header[30], Filters.Count - 1)],
            Invert = header[31] != 0,
        };
        return (length, options, conversion);
    }

    public static void WriteImage(Stream output, BitImage image)
    {
        Span<byte> head = stackalloc byte[9];
        head[0] = (byte)DecodeWorkerStatus.Ok;
        BinaryPrimitives.WriteInt32LittleEndian(head[1..], image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(head[5..], image.Height);
        output.Write(head);
        output.Write(MemoryMarshal.AsBytes(image.Words));
        output.Flush();
    }

    public static void WriteError(Stream output, DecodeWorkerStatus status, string message)
    {
        byte[] text = Encoding.UTF8.GetBytes(message.Length > MaxMessageBytes / 4 ? message[..(MaxMessageBytes / 4)] : message);
        Span<byte> head = stackalloc byte[5];
        head[0] = (byte)status;
        BinaryPrimitives.WriteInt32LittleEndian(head[1..], text.Length);
        output.Write(head);
        output.Write(text);
        output.Flush();
    }
}

/// <summary>A decode worker's answer.</summary>
internal enum DecodeWorkerStatus : byte
{
    /// <summary>Decoded; the image follows.</summary>
    Ok = 0,

    /// <summary><see cref="ImageIntakeError.InvalidImage"/>.</summary>
    InvalidImage = 1,

    /// <summary><see cref="ImageIntakeError.ImageTooLarge"/>.</summary>
    ImageTooLarge = 2,

    /// <summary>The decode hit the worker's memory cap: ImageTooLarge, and the worker exits after answering.</summary>
    OutOfMemory = 3,
}
