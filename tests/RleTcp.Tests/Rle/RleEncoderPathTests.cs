using System.Runtime.Intrinsics.X86;
using CsCheck;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Rle;

/// <summary>
/// Every row encoder the CPU can run (scalar always; AVX2 and AVX-512 VBMI2 where the CPU has them) against the
/// bit-by-bit reference, so each path is tested explicitly whichever one the process chose.
/// </summary>
[Trait("Category", "Unit")]
public class RleEncoderPathTests
{
    private static readonly Gen<(int Width, int Height, int Kind, int Seed)> Images =
        Gen.Select(Gen.Int[1, 1300], Gen.Int[1, 6], Gen.Int[0, 4], Gen.Int);

    /// <summary>The paths this machine can run; scalar is always among them.</summary>
    public static TheoryData<string> SupportedPaths()
    {
        var paths = new TheoryData<string>();
        foreach (RleEncoderPath path in Enum.GetValues<RleEncoderPath>())
        {
            if (RleEncoder.IsSupported(path))
            {
                paths.Add(path.ToString());
            }
        }

        return paths;
    }

    private static BitImage Make((int Width, int Height, int Kind, int Seed) c) => c.Kind switch
    {
        0 => TestImages.Noise(c.Width, c.Height, c.Seed),
        1 => TestImages.Runs(c.Width, c.Height, c.Seed, maxRun: 400),
        2 => TestImages.Runs(c.Width, c.Height, c.Seed, maxRun: 8),
        3 => TestImages.Solid(c.Width, c.Height, white: (c.Seed & 1) == 0),
        _ => TestImages.Checkerboard(c.Width, c.Height, cell: 1 + (Math.Abs(c.Seed) % 5)),
    };

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void ThePathEqualsTheBitByBitReferenceOnRandomImages(string pathName)
    {
        RleEncoderPath path = Enum.Parse<RleEncoderPath>(pathName);
        Images.Sample(c =>
        {
            BitImage image = Make(c);
            Assert.Equal(ReferenceRleEncoder.Encode(image), RleEncoder.Encode(image, path));
        }, iter: 3000);
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void ThePathEqualsTheReferenceAtEdgeWidths(string pathName)
    {
        RleEncoderPath path = Enum.Parse<RleEncoderPath>(pathName);
        int[] widths = [1, 2, 63, 64, 65, 126, 127, 128, 254, 255, 511, 512, 513, 575, 576, 577, 8127, 8128, 8129, 65535];
        foreach (int width in widths)
        {
            foreach (BitImage image in new[]
                     {
                         TestImages.Noise(width, 2, seed: width),
                         TestImages.Runs(width, 2, seed: width),
                         TestImages.Checkerboard(width, 2),
                         TestImages.Solid(width, 1, true),
                         TestImages.Solid(width, 1, false),
                     })
            {
                Assert.Equal(ReferenceRleEncoder.Encode(image), RleEncoder.Encode(image, path));
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void ThePathWritesNothingPastTheLongestRowIntoAnExactDestination(string pathName)
    {
        // Noise fills the row's bound almost exactly; a guard byte after the destination must stay untouched.
        RleEncoderPath path = Enum.Parse<RleEncoderPath>(pathName);
        foreach (int width in new[] { 1, 64, 65, 100, 600, 1000 })
        {
            BitImage image = TestImages.Checkerboard(width, 1, cell: 1);
            byte[] buffer = new byte[RleEncoder.MaxRowLength(width) + 1];
            buffer[^1] = 0xA5;
            int written = RleEncoder.EncodeRow(image.Row(0), width, buffer.AsSpan(0, width), path);
            Assert.Equal(width, written);
            Assert.Equal(0xA5, buffer[^1]);
            Assert.Equal(ReferenceRleEncoder.Encode(image)[RleFormat.HeaderSize..], buffer[..written]);
        }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void ThePathEqualsTheReferenceWhenTheWriterHandsOutSpansThatHoldFewRows(string pathName)
    {
        // The VBMI2 path encodes rows back to back while the span holds another row's worst case: spans of the hint
        // plus 0 .. 2 widths end the batches after one, two or three rows, and nothing may be written past them.
        RleEncoderPath path = Enum.Parse<RleEncoderPath>(pathName);
        Images.Sample(c =>
        {
            BitImage image = Make(c);
            var writer = new GuardedSpanWriter(extra: Math.Abs(c.Seed) % ((2 * c.Width) + 3));
            RleEncoder.Encode(image, writer, path);
            Assert.Equal(ReferenceRleEncoder.Encode(image), writer.Written.ToArray());
        }, iter: 1000);
    }

    [Fact]
    public void TheProcessUsesVbmi2WhereTheCpuHasItAndScalarOtherwise()
    {
        RleEncoderPath expected = Avx512Vbmi2.IsSupported && Avx512Vbmi.IsSupported ? RleEncoderPath.Avx512Vbmi2 : RleEncoderPath.Scalar;
        Assert.Equal(expected, RleEncoder.Path);
    }

    // Hands out a fresh span of exactly sizeHint + extra bytes per GetSpan, with a guard byte after it that Advance
    // checks, so a write past the span fails the test.
    private sealed class GuardedSpanWriter(int extra) : System.Buffers.IBufferWriter<byte>
    {
        private const byte Guard = 0xA5;
        private byte[] _span = [];

        public List<byte> Written { get; } = [];

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            _span = new byte[Math.Max(sizeHint, 1) + extra + 1];
            _span[^1] = Guard;
            return _span.AsSpan(0, _span.Length - 1);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException();

        public void Advance(int count)
        {
            Assert.InRange(count, 0, _span.Length - 1);
            Assert.Equal(Guard, _span[^1]);
            Written.AddRange(_span.AsSpan(0, count));
        }
    }
}
