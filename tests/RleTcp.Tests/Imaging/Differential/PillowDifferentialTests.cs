using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging.Differential;

/// <summary>
/// Randomized differential tests against the reference itself: every <c>gen_*.py</c> beside this file has Debian's
/// Pillow 9.4 write random files of its formats, modes and save options (fixed seed) and what
/// <c>convert('1')</c> + the textbook encoder make of each (reference.py states the contract). Every file must
/// compress to exactly those bytes, and every file Pillow refuses must be refused as InvalidImage; documented
/// differences are marked by the generator and skipped. All failures of a generator are reported together.
/// </summary>
/// <remarks>
/// <c>RLETCP_DIFFERENTIAL_COUNT</c> sets the files per generator (default 300: a few thousand files over all
/// generators, sized for CI); <c>RLETCP_DIFFERENTIAL_SEED</c> changes the seed (default 20261203).
/// </remarks>
[Trait("Category", "CrossLanguage")]
public class PillowDifferentialTests
{
    private static string Folder => Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Imaging", "Differential");

    /// <summary>The generators present in the source folder.</summary>
    public static TheoryData<string> Generators()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Folder, "gen_*.py").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void EveryGeneratedFileCompressesToThePillowBytesOrIsRefusedWhenPillowRefusesIt(string generator)
    {
        // A failing run keeps its files for inspection (the message names the folder); a passing one deletes them.
        string output = Directory.CreateTempSubdirectory($"rletcp-{generator}-").FullName;
        int count = int.TryParse(Environment.GetEnvironmentVariable("RLETCP_DIFFERENTIAL_COUNT"), out int c) ? c : 300;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RLETCP_DIFFERENTIAL_SEED"), out int s) ? s : 20261203;
        Generate(generator, output, seed, count);

        string[] inputs = Directory.GetFiles(output)
            .Where(f => Path.GetExtension(f) is not (".rle" or ".error" or ".excluded" or ".page" or ".mode" or ".frames"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(inputs.Length >= Math.Min(count, 10), $"{generator} wrote only {inputs.Length} files.");

        var failures = new List<string>();
        int compared = 0;
        foreach (string input in inputs)
        {
            if (File.Exists(input + ".excluded"))
            {
                continue;
            }

            compared++;
            if (PillowComparison.Check(input) is { } problem)
            {
                failures.Add($"{Path.GetFileName(input)}: {problem}");
            }
        }

        Assert.True(
            failures.Count == 0,
            $"{generator} (seed {seed}): {failures.Count} of {compared} compared files differ from Pillow 9.4 " +
            $"(files kept in {output}):\n" + string.Join('\n', failures.Take(60)));
        Directory.Delete(output, recursive: true);
    }

    private static void Generate(string generator, string output, int seed, int count) =>
        PillowScript.Run(
            Path.Combine(Folder, generator + ".py"),
            TimeSpan.FromMinutes(3),
            output,
            seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            count.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
