namespace RleTcp.Cli.Common;

/// <summary>
/// The one clash check of compress, compress-dir and decompress: two inputs whose outputs would have the same path
/// (a.png and a.bmp both make a.rle; inputs from two folders into one -o folder) must not overwrite each other. The
/// first input, in command-line or folder order, keeps the path; every later one is refused with a message naming
/// it. Paths compare case-insensitively, since on a case-insensitive file system A.rle and a.rle are one file. One
/// hash lookup per input, so a folder of 100,000 files costs 100,000 lookups.
/// </summary>
internal sealed class OutputClaims
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Claims <paramref name="output"/> for the input file <paramref name="input"/>; null when it is now the input's,
    /// else why not (for the input's error line).
    /// </summary>
    public string? Claim(string output, FileInfo input)
    {
        string full = Path.GetFullPath(output);
        if (_owners.TryAdd(full, input.Name))
        {
            return null;
        }

        return $"{_owners[full]} is already written to {Path.GetFileName(full)}";
    }
}
