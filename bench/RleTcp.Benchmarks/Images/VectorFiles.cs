namespace RleTcp.Benchmarks.Images;

/// <summary>Finds the shared reference vectors: <c>../shared/vectors</c> beside the repository root.</summary>
public static class VectorFiles
{
    private static readonly Lazy<string> Root = new(FindDirectory);

    /// <summary>The vectors folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>The full path of a file in the vectors folder.</summary>
    public static string PathOf(string name) => Path.Combine(Directory, name);

    private static string FindDirectory()
    {
        // BenchmarkDotNet runs each benchmark in a child process built under bin/, so search upwards from both the
        // working directory and the binaries.
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RleTcp.sln")))
                {
                    string vectors = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors"));
                    if (System.IO.Directory.Exists(vectors))
                    {
                        return vectors;
                    }
                }
            }
        }

        throw new DirectoryNotFoundException(
            "../shared/vectors was not found beside the repository (searched upwards from "
            + Environment.CurrentDirectory + " and " + AppContext.BaseDirectory + ").");
    }
}
