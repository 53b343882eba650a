using System.Buffers;
using RleTcp.Protocol.V2;

namespace RleTcp.Tests.V2;

/// <summary>
/// The v2 blocks are counted before they are written (<see cref="V2TlvWriter.Measure"/>), so a head goes straight into
/// its frame: the count must be exactly the bytes written, and the bytes must parse back.
/// </summary>
[Trait("Category", "Unit")]
public class V2BlockWriterTests
{
    private static readonly V2AnswerFields Hello = new()
    {
        Server = new V2ServerInfo
        {
            ProtocolVersion = 2,
            ServerVersion = "RleTcp/1.2.3",
            MaxFrameBytes = 64 << 20,
            MaxPixels = 100_000_000,
            MaxInFlight = 32,
            RequestTimeoutMs = 30_000,
            Ops = ["hello", "compress"],
            Options = V2RequestOptions.Names,
            Codecs = ["rle", "g4"],
            Formats = V2RequestOptions.OutputFormats,
            Filters = V2RequestOptions.Filters,
        },
    };

    public static TheoryData<string> FieldSets => ["none", "compress", "info", "hello"];

    [Theory]
    [MemberData(nameof(FieldSets))]
    public void AnAnswerHeadIsAsLongAsItSaysAndParsesBackToItsIdOpAndFields(string name)
    {
        V2AnswerFields fields = Fields(name);
        byte op = (byte)(name == "hello" ? V2Op.Hello : V2Op.Info);
        var head = new V2AnswerHead(0xDEADBEEF, op, fields);
        byte[] payload = new byte[1 + head.Length + 3];
        head.Write(payload.AsSpan(1));
        payload.AsSpan(1 + head.Length).Fill(0xAB);

        V2Answer answer = V2Messages.ParseAnswer(new ReadOnlySequence<byte>(payload));

        Assert.Equal(V2Wire.AnswerHeadSize - 1 + fields.Length, head.Length);
        Assert.Equal(0xDEADBEEFu, answer.Id);
        Assert.Equal(op, answer.Op);
        Assert.Equal([0xAB, 0xAB, 0xAB], answer.Body);
        Assert.Equal(Normalised(fields), Normalised(answer.Fields));
    }

    [Theory]
    [InlineData(1275, 1650, "rle")]
    [InlineData(0, 65535, "tiff-g4")]
    public void ASizeAndCodecHeadWritesTheBytesOfTheSameFieldsObject(ushort width, ushort height, string codec)
    {
        var fromFields = new V2AnswerHead(7, (byte)V2Op.Compress, new V2AnswerFields { Width = width, Height = height, Codec = codec });
        var inline = new V2AnswerHead(7, (byte)V2Op.Compress, width, height, codec);
        byte[] expected = new byte[fromFields.Length];
        byte[] actual = new byte[inline.Length];

        fromFields.Write(expected);
        inline.Write(actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void TheOptionsLengthIsTheBytesWrittenAndTheBlockParsesBack()
    {
        var options = new V2RequestOptions
        {
            ThresholdLevel = 90, Invert = true, Page = 7, Width = 300, Height = 200, Filter = "lanczos3",
            Codec = "g4", DeadlineMs = 1500, MaxPixels = 1 << 20,
        };
        var output = new ArrayBufferWriter<byte>();

        int written = options.Write(output);

        Assert.Equal(options.Length, written);
        Assert.Equal(written, output.WrittenCount);
        Assert.Equal(options, V2RequestOptions.Parse(output.WrittenSpan));
    }

    [Fact]
    public void AValueOver255BytesIsRefusedWhenCountedAsWhenWritten()
    {
        var fields = new V2AnswerFields { Codec = new string('x', 256) };

        Assert.Throws<ArgumentException>(() => fields.Length);
        Assert.Throws<ArgumentException>(() => fields.Write(new byte[300]));
    }

    private static V2AnswerFields Fields(string name) => name switch
    {
        "compress" => new V2AnswerFields { Width = 1275, Height = 1650, Codec = "rle" },
        "info" => new V2AnswerFields { Format = "TIFF", Width = 3, Height = 65535, Mode = "RGBA", Frames = 4 },
        "hello" => Hello,
        _ => V2AnswerFields.None,
    };

    // The parsed lists are arrays, the sent ones any list: compare their contents.
    private static string Normalised(V2AnswerFields f) =>
        (f with { Server = null }).ToString() + (f.Server is { } s
            ? $"{s with { Ops = [], Options = [], Codecs = [], Formats = [], Filters = [] }}|{string.Join(',', s.Ops)}|{string.Join(',', s.Options)}|{string.Join(',', s.Codecs)}|{string.Join(',', s.Formats)}|{string.Join(',', s.Filters)}"
            : "");
}
