using System.Buffers;

namespace RleTcp.Protocol.V2;

/// <summary>How grey and colour pixels become black and white, as a v2 request asks it.</summary>
public enum V2Conversion : byte
{
    /// <summary>Pillow 9.4's <c>convert('1')</c> (the default, byte-identical to v1).</summary>
    Pillow = 0,

    /// <summary>A plain threshold on luma at <see cref="V2RequestOptions.ThresholdLevel"/>.</summary>
    Threshold = 1,
}

/// <summary>
/// The typed options of one v2 request (docs/PROTOCOL.md, "Options"). Null means "not given": the server's default
/// applies. Limits (<see cref="DeadlineMs"/>, <see cref="MaxPixels"/>) can only tighten the server's own.
/// </summary>
public sealed record V2RequestOptions : IV2Block
{
    /// <summary>No options: what v1 does.</summary>
    public static V2RequestOptions None { get; } = new();

    /// <summary>The option names as HELLO lists them, in tag order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["conversion", "threshold", "invert", "page", "width", "height", "filter", "codec", "deadline-ms", "max-pixels", "format"];

    /// <summary>The resize filters, by name.</summary>
    public static IReadOnlyList<string> Filters { get; } = ["nearest", "box", "bilinear", "bicubic", "lanczos3"];

    /// <summary>The DECOMPRESS output formats, by name (the first is the default).</summary>
    public static IReadOnlyList<string> OutputFormats { get; } = ["png", "bmp", "pbm", "tiff"];

    /// <summary>Pillow (default) or threshold.</summary>
    public V2Conversion? Conversion { get; init; }

    /// <summary>The threshold level 0..255 (white when luma &gt;= level); giving it implies threshold conversion.</summary>
    public byte? ThresholdLevel { get; init; }

    /// <summary>Swap black and white after conversion.</summary>
    public bool Invert { get; init; }

    /// <summary>The GIF frame or TIFF page, from 0.</summary>
    public uint? Page { get; init; }

    /// <summary>Resize to this width (1..65535) before conversion, keeping the aspect ratio.</summary>
    public ushort? Width { get; init; }

    /// <summary>Resize to this height (1..65535) before conversion, keeping the aspect ratio.</summary>
    public ushort? Height { get; init; }

    /// <summary>The resize filter (one of <see cref="Filters"/>); default bicubic.</summary>
    public string? Filter { get; init; }

    /// <summary>The output codec of COMPRESS, or the input codec of DECOMPRESS; default rle.</summary>
    public string? Codec { get; init; }

    /// <summary>The request's deadline in ms from its last byte (at least 1).</summary>
    public uint? DeadlineMs { get; init; }

    /// <summary>A pixel budget for this request (at least 1).</summary>
    public ulong? MaxPixels { get; init; }

    /// <summary>DECOMPRESS output format (one of <see cref="OutputFormats"/>); default png.</summary>
    public string? Format { get; init; }

    /// <summary>The conversion in effect: threshold when asked for or when a level is given.</summary>
    public V2Conversion EffectiveConversion => Conversion ?? (ThresholdLevel is null ? V2Conversion.Pillow : V2Conversion.Threshold);

    /// <summary>Whether any option is set.</summary>
    public bool IsEmpty => this == None;

    /// <summary>The options block's length in bytes (without its u16 length), counted without writing it.</summary>
    public int Length => V2TlvWriter.LengthOf(this);

    /// <summary>Writes the options block (without its u16 length) into <paramref name="output"/>; returns its length.</summary>
    public int Write(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int length = Length;
        Write(output.GetSpan(length));
        output.Advance(length);
        return length;
    }

    /// <summary>Writes the options block (without its u16 length) into <paramref name="destination"/>, which holds at
    /// least <see cref="Length"/> bytes; returns its length.</summary>
    public int Write(Span<byte> destination) => V2TlvWriter.WriteBlock(this, destination);

    void IV2Block.WriteEntries(ref V2TlvWriter w)
    {
        if (Conversion is { } c)
        {
            w.WriteU8((byte)V2OptionTag.Conversion, (byte)c);
        }

        if (ThresholdLevel is { } level)
        {
            w.WriteU8((byte)V2OptionTag.ThresholdLevel, level);
        }

        if (Invert)
        {
            w.WriteFlag((byte)V2OptionTag.Invert);
        }

        if (Page is { } page)
        {
            w.WriteU32((byte)V2OptionTag.Page, page);
        }

        if (Width is { } width)
        {
            w.WriteU16((byte)V2OptionTag.Width, width);
        }

        if (Height is { } height)
        {
            w.WriteU16((byte)V2OptionTag.Height, height);
        }

        if (Filter is { } filter)
        {
            w.WriteString((byte)V2OptionTag.Filter, filter);
        }

        if (Codec is { } codec)
        {
            w.WriteString((byte)V2OptionTag.Codec, codec);
        }

        if (DeadlineMs is { } deadline)
        {
            w.WriteU32((byte)V2OptionTag.DeadlineMs, deadline);
        }

        if (MaxPixels is { } pixels)
        {
            w.WriteU64((byte)V2OptionTag.MaxPixels, pixels);
        }

        if (Format is { } format)
        {
            w.WriteString((byte)V2OptionTag.Format, format);
        }
    }

    /// <summary>
    /// Parses an options block. Unknown tags, repeated tags, wrong value sizes, out-of-range values and unknown names
    /// are refused with a <see cref="V2FormatException"/> whose message names the option; codec names are checked by
    /// the server against its own list.
    /// </summary>
    public static V2RequestOptions Parse(ReadOnlySpan<byte> block)
    {
        var reader = new V2TlvReader(block);

        // From the shared empty instance: each option makes a copy anyway, and a request without options allocates nothing.
        V2RequestOptions result = None;
        uint seen = 0;
        while (reader.TryRead(out byte tag, out ReadOnlySpan<byte> value))
        {
            if (tag is 0 or > (byte)V2OptionTag.Format)
            {
                throw new V2FormatException($"Unknown option 0x{tag:x2}; this server knows {string.Join(", ", Names)}.");
            }

            string name = Names[tag - 1];
            if ((seen & (1u << tag)) != 0)
            {
                throw new V2FormatException($"The option {name} is given twice.");
            }

            seen |= 1u << tag;
            result = (V2OptionTag)tag switch
            {
                V2OptionTag.Conversion => result with
                {
                    Conversion = V2TlvReader.ReadUnsigned(value, 1, name) switch
                    {
                        0 => V2Conversion.Pillow,
                        1 => V2Conversion.Threshold,
                        ulong other => throw new V2FormatException($"The conversion must be 0 (pillow) or 1 (threshold), not {other}."),
                    },
                },
                V2OptionTag.ThresholdLevel => result with { ThresholdLevel = (byte)V2TlvReader.ReadUnsigned(value, 1, name) },
                V2OptionTag.Invert => value.IsEmpty ? result with { Invert = true } : throw new V2FormatException("The invert option has no value."),
                V2OptionTag.Page => result with { Page = (uint)V2TlvReader.ReadUnsigned(value, 4, name) },
                V2OptionTag.Width => result with { Width = NonZero16(value, name) },
                V2OptionTag.Height => result with { Height = NonZero16(value, name) },
                V2OptionTag.Filter => result with { Filter = OneOf(value, name, Filters) },
                V2OptionTag.Codec => result with { Codec = NonEmpty(value, name) },
                V2OptionTag.DeadlineMs => result with { DeadlineMs = (uint)AtLeastOne(V2TlvReader.ReadUnsigned(value, 4, name), name) },
                V2OptionTag.MaxPixels => result with { MaxPixels = AtLeastOne(V2TlvReader.ReadUnsigned(value, 8, name), name) },
                _ => result with { Format = OneOf(value, name, OutputFormats) },
            };
        }

        if (result is { Conversion: V2Conversion.Pillow, ThresholdLevel: not null })
        {
            throw new V2FormatException("A threshold level was given with the pillow conversion; use conversion threshold (or leave it out).");
        }

        return result;
    }

    private static ushort NonZero16(ReadOnlySpan<byte> value, string name) =>
        (ushort)AtLeastOne(V2TlvReader.ReadUnsigned(value, 2, name), name);

    private static ulong AtLeastOne(ulong value, string name) =>
        value == 0 ? throw new V2FormatException($"The {name} must be at least 1.") : value;

    private static string NonEmpty(ReadOnlySpan<byte> value, string name)
    {
        string s = V2TlvReader.ReadString(value, name);
        return s.Length == 0 ? throw new V2FormatException($"The {name} name is empty.") : s;
    }

    private static string OneOf(ReadOnlySpan<byte> value, string name, IReadOnlyList<string> allowed)
    {
        string s = V2TlvReader.ReadString(value, name);
        foreach (string a in allowed)
        {
            if (a == s)
            {
                return a;
            }
        }

        throw new V2FormatException($"Unknown {name} '{s}'; known: {string.Join(", ", allowed)}.");
    }
}
