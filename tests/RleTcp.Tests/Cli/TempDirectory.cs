namespace RleTcp.Tests.Cli;

/// <summary>A fresh folder under the system temp path, deleted with its contents on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("rletcp-test-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies vector files in and returns their new paths.</summary>
    public string[] CopyVectors(params string[] names)
    {
        return names.Select(name =>
        {
            string target = Combine(name);
            File.Copy(System.IO.Path.Combine(Support.Vectors.Directory, name), target);
            return target;
        }).ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS cleans temp eventually.
        }
    }
}
