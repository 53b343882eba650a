using RleTcp.Tests.Support;

namespace RleTcp.Tests.Fuzz;

/// <summary>
/// The inputs a fuzz target must keep handling: what AFL++ found (<c>fuzz/crashes/TARGET</c>, copied there by
/// fuzz/run.sh) and hand-made hostile cases (<c>fuzz/regressions/TARGET</c>), as paths relative to the repository root.
/// </summary>
public static class FuzzInputs
{
    /// <summary>Every kept input of <paramref name="target"/> as theory data.</summary>
    public static TheoryData<string> For(string target)
    {
        var data = new TheoryData<string>();
        foreach (string folder in new[] { "crashes", "regressions" })
        {
            string dir = Path.Combine(RepositoryRoot.Directory, "fuzz", folder, target);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepositoryRoot.Directory, file));
            }
        }

        return data;
    }

    /// <summary>The bytes of a kept input.</summary>
    public static byte[] Read(string relativePath) =>
        File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, relativePath));
}
