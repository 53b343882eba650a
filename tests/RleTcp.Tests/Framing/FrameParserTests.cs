using System.Buffers;
using CsCheck;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Framing;

[Trait("Category", "Unit")]
public class FrameParserTests
{
    private static byte[] Frame(params byte[] payload) => FrameClient.Frame(payload);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void AHeaderOfFewerThanEightBytesIsIncompleteAndExaminedToTheEnd(int available)
    {
        var input = new ReadOnlySequence<byte>(Frame(1, 2, 3).AsMemory(0, available));

        FrameParseStatus status = FrameParser.TryParseHeader(input, 100, out SequencePosition consumed, out SequencePosition examined, out _);

        Assert.Equal(FrameParseStatus.Incomplete, status);
        Assert.Equal(input.Start, consumed);
        Assert.Equal(input.End, examined);
    }

    [Fact]
    public void AHeaderSplitAcrossSegmentsIsRead()
    {
        ReadOnlySequence<byte> input = Segments.Split(Frame(9, 8, 7), 1, 3, 7, 9);

        FrameParseStatus status = FrameParser.TryParse(input, 100, out SequencePosition consumed, out _, out ReadOnlySequence<byte> payload, out ulong length);

        Assert.Equal(FrameParseStatus.Parsed, status);
        Assert.Equal(3UL, length);
        Assert.Equal(new byte[] { 9, 8, 7 }, payload.ToArray());
        Assert.Equal(input.End, consumed);
    }

    [Fact]
    public void TheHeaderIsConsumedAndThePayloadStartsAfterIt()
    {
        var input = new ReadOnlySequence<byte>(Frame(5, 6));

        FrameParseStatus status = FrameParser.TryParseHeader(input, 100, out SequencePosition consumed, out SequencePosition examined, out ulong length);

        Assert.Equal(FrameParseStatus.Parsed, status);
        Assert.Equal(2UL, length);
        Assert.Equal(8, input.Slice(0, consumed).Length);
        Assert.Equal(consumed, examined);
        Assert.Equal(new byte[] { 5, 6 }, input.Slice(consumed).ToArray());
    }

    [Theory]
    [InlineData(101UL)]
    [InlineData(1UL << 31)]
    [InlineData(1UL << 32)]
    [InlineData(1UL << 63)]
    [InlineData(ulong.MaxValue)]
    public void ALengthOverTheLimitIsTooLargeAsSoonAsTheHeaderIsThere(ulong declared)
    {
        // Only the header: the verdict must not wait for (or trust) a payload.
        var input = new ReadOnlySequence<byte>(FrameClient.Header(declared));

        FrameParseStatus status = FrameParser.TryParse(input, 100, out SequencePosition consumed, out _, out _, out ulong length);

        Assert.Equal(FrameParseStatus.TooLarge, status);
        Assert.Equal(declared, length);
        Assert.Equal(input.End, consumed);
    }

    [Fact]
    public void ALengthEqualToTheLimitIsAccepted()
    {
        var input = new ReadOnlySequence<byte>(FrameClient.Frame(new byte[100]));

        Assert.Equal(FrameParseStatus.Parsed, FrameParser.TryParse(input, 100, out _, out _, out ReadOnlySequence<byte> payload, out _));
        Assert.Equal(100, payload.Length);
    }

    [Fact]
    public void AZeroLengthFrameIsAPingWithAnEmptyPayload()
    {
        var input = new ReadOnlySequence<byte>(FrameClient.Header(0));

        Assert.Equal(FrameParseStatus.Parsed, FrameParser.TryParse(input, 0, out SequencePosition consumed, out _, out ReadOnlySequence<byte> payload, out ulong length));
        Assert.Equal(0UL, length);
        Assert.True(payload.IsEmpty);
        Assert.Equal(input.End, consumed);
    }

    [Fact]
    public void AnIncompletePayloadConsumesNothingAndIsExaminedToTheEnd()
    {
        var input = new ReadOnlySequence<byte>(Frame(1, 2, 3, 4).AsMemory(0, 10));

        FrameParseStatus status = FrameParser.TryParse(input, 100, out SequencePosition consumed, out SequencePosition examined, out _, out ulong length);

        Assert.Equal(FrameParseStatus.Incomplete, status);
        Assert.Equal(4UL, length);
        Assert.Equal(input.Start, consumed);
        Assert.Equal(input.End, examined);
    }

    [Fact]
    public void OnlyTheFirstOfSeveralFramesIsTakenAndTheRestIsLeftUnexamined()
    {
        byte[] two = [.. Frame(1), .. Frame(2, 3)];
        var input = new ReadOnlySequence<byte>(two);

        FrameParser.TryParse(input, 100, out SequencePosition consumed, out SequencePosition examined, out ReadOnlySequence<byte> payload, out _);

        Assert.Equal(new byte[] { 1 }, payload.ToArray());
        Assert.Equal(9, input.Slice(0, consumed).Length);
        Assert.Equal(consumed, examined);
    }

    [Fact]
    public void ANegativeLimitIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            FrameParser.TryParseHeader(ReadOnlySequence<byte>.Empty, -1, out _, out _, out _));

    [Fact]
    public void AnyStreamOfFramesCutIntoAnySegmentsParsesToTheSamePayloads()
    {
        Gen<byte[][]> payloads = Gen.Byte.Array[0, 40].Array[1, 8];
        Gen.Select(payloads, Gen.Int[0, 400].Array[0, 12]).Sample((frames, cuts) =>
        {
            byte[] stream = frames.SelectMany(p => Frame(p)).ToArray();
            ReadOnlySequence<byte> input = Segments.Split(stream, cuts);
            var parsed = new List<byte[]>();
            while (FrameParser.TryParse(input, 40, out SequencePosition consumed, out _, out ReadOnlySequence<byte> payload, out _) == FrameParseStatus.Parsed)
            {
                parsed.Add(payload.ToArray());
                input = input.Slice(consumed);
            }

            Assert.True(input.IsEmpty);
            Assert.Equal(frames, parsed);
        }, iter: 2000);
    }
}
