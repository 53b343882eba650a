namespace RleTcp.Cli.Common;

/// <summary>Where a command writes the file made from an input.</summary>
internal static class OutputPaths
{
    /// <summary><c>NAME.ext</c> beside the input, or in <paramref name="outputDirectory"/> when one is given.</summary>
    public static string For(string input, DirectoryInfo? outputDirectory, string extension)
    {
        string name = Path.GetFileNameWithoutExtension(input) + extension;
        string directory = outputDirectory?.FullName ?? Path.GetDirectoryName(Path.GetFullPath(input))!;
        return Path.Combine(directory, name);
    }
}
