using RleTcp.Imaging;

namespace RleTcp.Tests.Imaging.Differential;

/// <summary>
/// One file against what the reference made of it (NAME.expected.rle or NAME.expected.error beside it): null when
/// RleTcp agrees, else what differs. Shared by the Pillow cross-checks.
/// </summary>
public static class PillowComparison
{
    /// <summary>Compresses <paramref name="input"/> locally and compares it with the reference's answer.</summary>
    public static string? Check(string input)
    {
        byte[] data = File.ReadAllBytes(input);
        string errorPath = input + ".expected.error";
        if (File.Exists(errorPath))
        {
            try
            {
                byte[] unexpected = RleCompressor.Compress(data, IntakeOptions.Default);
                return $"Pillow refuses it ({File.ReadAllText(errorPath)}) but RleTcp gave {unexpected.Length} bytes";
            }
            catch (ImageIntakeException ex) when (ex.Error == ImageIntakeError.InvalidImage)
            {
                return null;
            }
            catch (ImageIntakeException ex)
            {
                return $"Pillow refuses it ({File.ReadAllText(errorPath)}); RleTcp said {ex.Error}, not InvalidImage";
            }
        }

        byte[] expected = File.ReadAllBytes(input + ".expected.rle");
        byte[] actual;
        try
        {
            actual = RleCompressor.Compress(data, IntakeOptions.Default);
        }
        catch (ImageIntakeException ex)
        {
            return $"refused ({ex.Error}: {ex.Message})";
        }

        if (expected.AsSpan().SequenceEqual(actual))
        {
            return null;
        }

        int first = 0;
        while (first < Math.Min(expected.Length, actual.Length) && expected[first] == actual[first])
        {
            first++;
        }

        return $"{actual.Length} bytes, expected {expected.Length}; first difference at byte {first}";
    }
}
