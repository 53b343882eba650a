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
/// page (int32 LE), then the payload.
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
    public const int RequestHeaderSize = 21;

    /// <summary>The longest error message accepted from a worker.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>The largest payload a worker accepts (the server's frames are far smaller).</summary>
    public const int MaxPayloadBytes = int.MaxValue - 64;

    public static void WriteRequestHeader(Span<byte> header, int payloadLength, IntakeOptions options)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header, payloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], (int)options.AllowedFormats);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], options.MaxPixels);
        header[16] = (byte)options.Mode;
        BinaryPrimitives.WriteInt32LittleEndian(header[17..], options.Page);
    }

    public static (int PayloadLength, IntakeOptions Options) ReadRequestHeader(ReadOnlySpan<byte> header)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var options = new IntakeOptions
        {
            AllowedFormats = (ImageFormats)BinaryPrimitives.ReadInt32LittleEndian(header[4..]) & ImageFormats.All,
            MaxPixels = BinaryPrimitives.ReadInt64LittleEndian(header[8..]),
            Mode = Enum.IsDefined((ConversionMode)header[16]) ? (ConversionMode)header[16] : ConversionMode.Pillow,
            Page = Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(header[17..])),
        };
        return (length, options);
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
