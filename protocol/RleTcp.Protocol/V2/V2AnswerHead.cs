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
    private readonly V2AnswerFields _fields;

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

    /// <summary>The head's length in bytes.</summary>
    public int Length { get; }

    /// <summary>Writes the head into <paramref name="destination"/> (at least <see cref="Length"/> bytes).</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, _id);
        destination[4] = _op;
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(Length - (V2Wire.AnswerHeadSize - 1)));
        _fields.Write(destination[(V2Wire.AnswerHeadSize - 1)..Length]);
    }
}
