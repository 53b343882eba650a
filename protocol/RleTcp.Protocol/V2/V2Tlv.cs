using System.Buffers.Binary;
using System.Text;

namespace RleTcp.Protocol.V2;

/// <summary>A block of tag-length-value entries (request options, answer fields): it says its entries to a writer.</summary>
internal interface IV2Block
{
    /// <summary>Says every entry of the block to <paramref name="writer"/>, in order.</summary>
    void WriteEntries(ref V2TlvWriter writer);
}

/// <summary>
/// Writes the tag-length-value entries of v2 options and answer fields: u8 tag, u8 length, value (integers big-endian).
/// Used by both ends, so the server's answers and the client's requests share one encoding. A writer made by
/// <see cref="Measure"/> writes nothing and only counts, so a block's length is known before its bytes are written
/// straight into the frame (the same code walks the block both times).
/// </summary>
public ref struct V2TlvWriter
{
    private readonly Span<byte> _destination;
    private readonly bool _measure;

    /// <summary>Writes entries into <paramref name="destination"/>, which must hold the whole block.</summary>
    public V2TlvWriter(Span<byte> destination)
    {
        _destination = destination;
        _measure = false;
        Written = 0;
    }

    private V2TlvWriter(bool measure)
    {
        _destination = default;
        _measure = measure;
        Written = 0;
    }

    /// <summary>A writer that only counts the bytes the entries take.</summary>
    public static V2TlvWriter Measure() => new(measure: true);

    /// <summary>The length of <paramref name="block"/>'s entries, counted without writing them.</summary>
    internal static int LengthOf<TBlock>(TBlock block)
        where TBlock : IV2Block
    {
        var w = Measure();
        block.WriteEntries(ref w);
        return w.Written;
    }

    /// <summary>Writes <paramref name="block"/>'s entries into <paramref name="destination"/>; returns their length.</summary>
    internal static int WriteBlock<TBlock>(TBlock block, Span<byte> destination)
        where TBlock : IV2Block
    {
        var w = new V2TlvWriter(destination);
        block.WriteEntries(ref w);
        return w.Written;
    }

    /// <summary>Bytes written (or, measuring, counted) so far.</summary>
    public int Written { get; private set; }

    /// <summary>An entry with no value (a flag).</summary>
    public void WriteFlag(byte tag) => Write(tag, []);

    /// <summary>A one-byte value.</summary>
    public void WriteU8(byte tag, byte value) => Write(tag, [value]);

    /// <summary>A big-endian u16 value.</summary>
    public void WriteU16(byte tag, ushort value)
    {
        Span<byte> v = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(v, value);
        Write(tag, v);
    }

    /// <summary>A big-endian u32 value.</summary>
    public void WriteU32(byte tag, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        Write(tag, v);
    }

    /// <summary>A big-endian u64 value.</summary>
    public void WriteU64(byte tag, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        Write(tag, v);
    }

    /// <summary>A UTF-8 string of at most 255 bytes.</summary>
    public void WriteString(byte tag, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Span<byte> entry = Entry(tag, length);
        if (!_measure)
        {
            Encoding.UTF8.GetBytes(value, entry);
        }
    }

    /// <summary>A raw value of at most 255 bytes.</summary>
    public void Write(byte tag, scoped ReadOnlySpan<byte> value)
    {
        Span<byte> entry = Entry(tag, value.Length);
        if (!_measure)
        {
            value.CopyTo(entry);
        }
    }

    // The tag and length written (or counted); returns where the value goes (empty when measuring).
    private Span<byte> Entry(byte tag, int length)
    {
        if (length > byte.MaxValue)
        {
            throw new ArgumentException($"A v2 option or field value holds at most 255 bytes, not {length}.", nameof(length));
        }

        int at = Written;
        Written += 2 + length;
        if (_measure)
        {
            return [];
        }

        _destination[at] = tag;
        _destination[at + 1] = (byte)length;
        return _destination.Slice(at + 2, length);
    }
}

/// <summary>Reads tag-length-value entries; a length running past the end is malformed.</summary>
public ref struct V2TlvReader
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Reads the entries of <paramref name="entries"/>.</summary>
    public V2TlvReader(ReadOnlySpan<byte> entries) => _rest = entries;

    /// <summary>
    /// The next entry. Returns false at the end; throws <see cref="V2FormatException"/> when an entry is cut off.
    /// </summary>
    public bool TryRead(out byte tag, out ReadOnlySpan<byte> value)
    {
        if (_rest.IsEmpty)
        {
            tag = 0;
            value = default;
            return false;
        }

        if (_rest.Length < 2 || _rest.Length < 2 + _rest[1])
        {
            throw new V2FormatException($"An option or field entry (tag 0x{_rest[0]:x2}) runs past the end of its block.");
        }

        tag = _rest[0];
        value = _rest.Slice(2, _rest[1]);
        _rest = _rest[(2 + value.Length)..];
        return true;
    }

    /// <summary>A value that must be exactly 1, 2, 4 or 8 bytes, as a big-endian unsigned integer.</summary>
    public static ulong ReadUnsigned(ReadOnlySpan<byte> value, int size, string name) =>
        value.Length != size
            ? throw new V2FormatException($"The {name} value must be {size} byte{(size == 1 ? "" : "s")}, not {value.Length}.")
            : size switch
            {
                1 => value[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(value),
                4 => BinaryPrimitives.ReadUInt32BigEndian(value),
                _ => BinaryPrimitives.ReadUInt64BigEndian(value),
            };

    /// <summary>A UTF-8 value; invalid UTF-8 is malformed.</summary>
    public static string ReadString(ReadOnlySpan<byte> value, string name)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            throw new V2FormatException($"The {name} value is not valid UTF-8.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

/// <summary>A v2 message that does not follow docs/PROTOCOL.md; the message says what is wrong, for the peer.</summary>
public sealed class V2FormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public V2FormatException(string message)
        : base(message)
    {
    }
}
