using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>Each writer's file decodes back, through the intake, to the image it was written from.</summary>
[Trait("Category", "Unit")]
public class BitImageWriterTests
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string writer in new[] { "png", "bmp", "pbm" })
            {
                foreach (string image in EdgeImages.Keys)
                {
                    data.Add(writer, image);
                }
            }

            return data;
        }
    }

    private static Dictionary<string, Func<BitImage>> EdgeImages { get; } = new()
    {
        ["w1_noise"] = () => TestImages.Noise(1, 40, 1),
        ["w126_noise"] = () => TestImages.Noise(126, 7, 2),
        ["w127_runs"] = () => TestImages.Runs(127, 7, 3),
        ["w128_noise"] = () => TestImages.Noise(128, 5, 4),
        ["w253_runs"] = () => TestImages.Runs(253, 6, 5),
        ["w254_noise"] = () => TestImages.Noise(254, 6, 6),
        ["w255_checker"] = () => TestImages.Checkerboard(255, 9),
        ["w65535_runs"] = () => TestImages.Runs(65535, 2, 7, maxRun: 5000),
        ["h1_noise"] = () => TestImages.Noise(301, 1, 8),
        ["all_white"] = () => Filled(77, 33, white: true),
        ["all_black"] = () => Filled(77, 33, white: false),
        ["checker_100x60"] = () => TestImages.Checkerboard(100, 60),
        ["checker4_333x99"] = () => TestImages.Checkerboard(333, 99, cell: 4),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Written_file_decodes_back_to_the_same_image(string writer, string name)
    {
        BitImage original = EdgeImages[name]();
        byte[] file = Write(writer, original);

        using BitImage fast = ImageIntake.Decode(file, IntakeOptions.Default);
        using BitImage general = ImageIntake.Decode(file, IntakeOptions.Default, useFastPaths: false, CancellationToken.None);

        Assert.Equal(original, fast);
        Assert.Equal(original, general);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    [InlineData("pbm")]
    public void Written_file_compresses_to_the_reference_encoding(string writer)
    {
        BitImage original = TestImages.Runs(1000, 20, 11);

        byte[] rle = RleCompressor.Compress(Write(writer, original), IntakeOptions.Default);

        Assert.Equal(ReferenceRleEncoder.Encode(original), rle);
    }

    [Fact]
    public void Pbm_header_and_rows_are_P4_with_set_bits_black()
    {
        var image = new BitImage(9, 1);
        image[0, 0] = true; // white: bit clear in PBM

        byte[] pbm = BitImageWriter.ToPbm(image);

        Assert.Equal("P4\n9 1\n"u8.ToArray(), pbm[..7]);
        Assert.Equal(0b0111_1111, pbm[7]);
        Assert.Equal(0b1000_0000, pbm[8] & 0x80);
        Assert.Equal(9, pbm.Length);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("bmp")]
    [InlineData("pbm")]
    [InlineData("tiff")]
    public void Writing_into_a_dirty_pooled_buffer_gives_the_same_file_as_a_fresh_array(string writer)
    {
        foreach (string name in new[] { "w1_noise", "w126_noise", "w255_checker", "h1_noise", "checker4_333x99" })
        {
            BitImage image = EdgeImages[name]();
            byte[] expected = writer == "tiff" ? BitImageTiffWriter.ToTiff(image) : Write(writer, image);
            byte[] dirty = new byte[expected.Length + 100];
            dirty.AsSpan().Fill(0xA5); // an older answer's bytes, as a rented array may hold
            var output = new DirtyBufferWriter(dirty);

            switch (writer)
            {
                case "png": BitImageWriter.WritePng(image, output); break;
                case "bmp": BitImageWriter.WriteBmp(image, output); break;
                case "pbm": BitImageWriter.WritePbm(image, output); break;
                default: BitImageTiffWriter.WriteTiff(image, output); break;
            }

            Assert.Equal(expected, dirty.AsSpan(0, output.Written).ToArray());
        }
    }

    internal static byte[] Write(string writer, BitImage image) => writer switch
    {
        "png" => BitImageWriter.ToPng(image),
        "bmp" => BitImageWriter.ToBmp(image),
        "pbm" => BitImageWriter.ToPbm(image),
        _ => throw new ArgumentOutOfRangeException(nameof(writer)),
    };

    private static BitImage Filled(int width, int height, bool white)
    {
        var image = new BitImage(width, height);
        image.Fill(white);
        return image;
    }

    // A buffer writer over one array that is not cleared, as ArrayPool arrays are not.
    private sealed class DirtyBufferWriter(byte[] buffer) : System.Buffers.IBufferWriter<byte>
    {
        public int Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => buffer.AsSpan(Written);
    }
}
