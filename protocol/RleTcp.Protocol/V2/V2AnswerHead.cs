using System.Buffers.Binary;

namespace RleTcp.Protocol.V2;

/// <summary>
/// The bytes of a v2 answer between its status byte and its body: request id (u32), op (u8), fields length (u16),
/// fields. Its length is counted once, when it is made, so the frame's length is known before anything is written,
/// and <see cref="Write"/> puts it straight into the frame.
/// </summary>
public readonly struct V2AnswerHead
{
    private readonly uint _id;
    private readonly byte _op;

    // A V2AnswerFields, or the codec of a size-and-codec head (then _size holds its width and height, 16 bits each:
    // the struct then stays as small as with the fields alone, and every answer carries one).
    private readonly object _fields;
    private readonly uint _size;

    /// <summary>The head of the answer to request <paramref name="id"/> of <paramref name="op"/>.</summary>
    public V2AnswerHead(uint id, byte op, V2AnswerFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _id = id;
        _op = op;
        _fields = fields;

        // At most 17 entries of at most 257 bytes each: the u16 length always holds it.
        Length = V2Wire.AnswerHeadSize - 1 + fields.Length;
    }

    /// <summary>
    /// The head of an answer whose only fields are its width, height and codec (a COMPRESS answer of the RLE, whose
    /// sizes are 16-bit), with the bytes of <c>new V2AnswerFields { Width, Height, Codec }</c> but no fields object:
    /// the server makes one per request.
    /// </summary>
    public V2AnswerHead(uint id, byte op, ushort width, ushort height, string codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _id = id;
        _op = op;
        _fields = codec;
        _size = ((uint)width << 16) | height;
        Length = V2Wire.AnswerHeadSize - 1 + V2TlvWriter.LengthOf(new SizeAndCodec(width, height, codec));
    }

    /// <summary>The head's length in bytes.</summary>
    public int Length { get; }

    /// <summary>Writes the head into <paramref name="destination"/> (at least <see cref="Length"/> bytes).</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, _id);
        destination[4] = _op;
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(Length - (V2Wire.AnswerHeadSize - 1)));
        Span<byte> block = destination[(V2Wire.AnswerHeadSize - 1)..Length];
        if (_fields is V2AnswerFields fields)
        {
            fields.Write(block);
        }
        else
        {
            V2TlvWriter.WriteBlock(new SizeAndCodec(_size >> 16, _size & 0xFFFF, (string)_fields), block);
        }
    }

    // The entries of a size-and-codec head, written by the same code as V2AnswerFields' (its first three).
    private readonly struct SizeAndCodec(uint width, uint height, string codec) : IV2Block
    {
        public void WriteEntries(ref V2TlvWriter writer) => V2AnswerFields.WriteSizeAndCodec(ref writer, width, height, codec);
    }
}
