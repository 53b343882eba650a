using RleTcp.Imaging;

namespace RleTcp.Tests.Imaging.Differential;

/// <summary>
/// One file against what the reference made of it (NAME.expected.rle or NAME.expected.error beside it): null when
/// RleTcp agrees, else what differs. Shared by the Pillow cross-checks.
/// </summary>
public static class PillowComparison
{
    /// <summary>
    /// Compresses <paramref name="input"/> locally and compares it with the reference's answer; NAME.page beside it,
    /// when present, is the page the reference took (<see cref="IntakeOptions.Page"/>). A PNG is checked twice: with
    /// libdeflate inflating it (where installed) and with the managed <c>ZLibStream</c> fallback.
    /// </summary>
    public static string? Check(string input)
    {
        byte[] data = File.ReadAllBytes(input);
        string pagePath = input + ".page";
        IntakeOptions options = File.Exists(pagePath)
            ? IntakeOptions.Default with { Page = int.Parse(File.ReadAllText(pagePath), System.Globalization.CultureInfo.InvariantCulture) }
            : IntakeOptions.Default;
        if (Check(input, data, options) is { } problem)
        {
            return problem;
        }

        bool png = data is [0x89, (byte)'P', (byte)'N', (byte)'G', ..];
        return png && Check(input, data, options with { ManagedInflate = true }) is { } managed ? "with the managed inflater: " + managed : null;
    }

    private static string? Check(string input, byte[] data, IntakeOptions options)
    {
        string errorPath = input + ".expected.error";
        if (File.Exists(errorPath))
        {
            try
            {
                byte[] unexpected = RleCompressor.Compress(data, options);
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
            actual = RleCompressor.Compress(data, options);
        }
        catch (ImageIntakeException ex)
        {
            return $"refused ({ex.Error}: {ex.Message})";
        }

        if (expected.AsSpan().SequenceEqual(actual))
        {
            return ModeProblem(data, input + ".expected.mode", input + ".expected.frames");
        }

        int first = 0;
        while (first < Math.Min(expected.Length, actual.Length) && expected[first] == actual[first])
        {
            first++;
        }

        return $"{actual.Length} bytes, expected {expected.Length}; first difference at byte {first}";
    }

    /// <summary>
    /// The conversion class protocol v2's INFO names for the file against the mode Pillow opened it in, and its frame
    /// count against Pillow's n_frames (written by reference.py for page 0): null when they agree or there is no file.
    /// </summary>
    private static string? ModeProblem(byte[] data, string modePath, string framesPath)
    {
        if (!File.Exists(modePath))
        {
            return null;
        }

        string pillow = File.ReadAllText(modePath);
        string expected = pillow switch
        {
            "1" => "1",
            "P" or "PA" => "P",
            "L" or "LA" or "I" or "F" or "La" => "L",
            _ when pillow.StartsWith("I;", StringComparison.Ordinal) => "L",
            _ => "RGB",
        };
        ImageHeaderInfo info;
        try
        {
            info = ImageHeaderInfo.Read(data, ImageFormats.All);
        }
        catch (ImageIntakeException ex)
        {
            return $"decodes as Pillow does, but INFO refuses its header ({ex.Error}: {ex.Message})";
        }

        if (info.Mode != expected)
        {
            return $"decodes as Pillow does, but INFO names mode {info.Mode} where Pillow opens it as {pillow} ({expected})";
        }

        return File.Exists(framesPath) && File.ReadAllText(framesPath) is var frames && frames != info.Frames.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? $"decodes as Pillow does, but INFO counts {info.Frames} frames where Pillow's n_frames is {frames}"
            : null;
    }
}
