using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>Every reference vector compresses to exactly the reference pipeline's bytes.</summary>
[Trait("Category", "Unit")]
public class ReferenceVectorTests
{
    public static TheoryData<string> Names => Vectors.Names;

    public static TheoryData<string, ImageIntakeError> InvalidVectors
    {
        get
        {
            // The reference crashed on each; its error says which kind RleTcp must answer with.
            var data = new TheoryData<string, ImageIntakeError>();
            foreach (string line in File.ReadAllLines(Path.Combine(Vectors.InvalidDirectory, "EXPECTED_ERRORS.tsv")).Skip(1))
            {
                string[] fields = line.Split('\t');
                if (fields.Length < 3)
                {
                    continue;
                }

                ImageIntakeError error = fields[2].Contains("UnidentifiedImageError", StringComparison.Ordinal)
                    ? ImageIntakeError.InvalidImage
                    : fields[2].Contains("OverflowError", StringComparison.Ordinal)
                        ? ImageIntakeError.ImageTooLarge
                        : throw new InvalidDataException($"Unknown reference error in EXPECTED_ERRORS.tsv: {fields[2]}");
                data.Add(fields[0], error);
            }

            return data;
        }
    }

    [Fact]
    public void The_manifest_lists_vectors()
    {
        Assert.True(Vectors.All.Count >= 30, $"Only {Vectors.All.Count} vectors found in {Vectors.Directory}.");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Compress_equals_the_reference_bytes(string file)
    {
        VectorCase vector = Vectors.Get(file);
        byte[] expected = File.ReadAllBytes(vector.ExpectedPath);

        byte[] actual = RleCompressor.Compress(File.ReadAllBytes(vector.InputPath), IntakeOptions.Default);

        Assert.Equal(vector.Width | (vector.Height << 16), actual[0] | (actual[1] << 8) | (actual[2] << 16) | (actual[3] << 24));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{file}: {actual.Length} bytes, expected {expected.Length}; first difference at {FirstDifference(expected, actual)}.");
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Refused_vectors_give_their_documented_error(string file, ImageIntakeError error)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(Vectors.InvalidDirectory, file));

        var ex = Assert.Throws<ImageIntakeException>(() => RleCompressor.Compress(data, IntakeOptions.Default));

        Assert.Equal(error, ex.Error);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }
}
