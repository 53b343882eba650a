namespace RleTcp.Tests.Support;

/// <summary>One row of ../shared/vectors/MANIFEST.tsv.</summary>
public sealed record VectorCase(string File, string Format, string PilMode, int Width, int Height, string ExpectedRle, string Notes)
{
    /// <summary>Full path of the input image.</summary>
    public string InputPath => Path.Combine(Vectors.Directory, File);

    /// <summary>Full path of the reference output.</summary>
    public string ExpectedPath => Path.Combine(Vectors.Directory, ExpectedRle);

    /// <inheritdoc/>
    public override string ToString() => File;
}

/// <summary>Finds the shared reference vectors: <c>../shared/vectors</c> relative to the repository root.</summary>
public static class Vectors
{
    private static readonly Lazy<string> Root = new(FindDirectory);

    /// <summary>The vectors folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>The refused inputs, <c>vectors/invalid</c>.</summary>
    public static string InvalidDirectory => Path.Combine(Directory, "invalid");

    /// <summary>Every manifest row.</summary>
    public static IReadOnlyList<VectorCase> All { get; } = Load();

    /// <summary>The manifest rows as xunit theory data (the file name; look it up with <see cref="Get"/>).</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (VectorCase c in All)
            {
                data.Add(c.File);
            }

            return data;
        }
    }

    /// <summary>The manifest row for <paramref name="file"/>.</summary>
    public static VectorCase Get(string file) => All.Single(c => c.File == file);

    private static IReadOnlyList<VectorCase> Load()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Directory, "MANIFEST.tsv"));
        string[] header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new InvalidDataException($"MANIFEST.tsv has no column '{name}'.");

        int file = Col("file"), format = Col("format"), mode = Col("pil_mode"), width = Col("width"),
            height = Col("height"), expected = Col("expected_rle"), notes = Col("notes");
        return lines.Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new VectorCase(f[file], f[format], f[mode], int.Parse(f[width]), int.Parse(f[height]), f[expected], f[notes]))
            .ToArray();
    }

    private static string FindDirectory()
    {
        string vectors = Path.GetFullPath(Path.Combine(RepositoryRoot.Directory, "..", "shared", "vectors"));
        return System.IO.Directory.Exists(vectors)
            ? vectors
            : throw new DirectoryNotFoundException($"The reference vectors are missing: expected {vectors}.");
    }
}
