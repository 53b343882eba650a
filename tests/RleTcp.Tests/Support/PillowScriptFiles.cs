namespace RleTcp.Tests.Support;

/// <summary>
/// The files a script in tests/RleTcp.Tests/Imaging writes with Pillow 9.4 (<see cref="PillowScript"/>) into a
/// temporary folder, once for a test class: the base of an xUnit class fixture. The folder is deleted with it.
/// </summary>
public abstract class PillowScriptFiles : IDisposable
{
    private readonly string _folder;

    /// <summary>Runs <paramref name="script"/> (a file name in tests/RleTcp.Tests/Imaging) with the folder as its argument.</summary>
    protected PillowScriptFiles(string script)
    {
        _folder = Directory.CreateTempSubdirectory($"rletcp-{System.IO.Path.GetFileNameWithoutExtension(script)}-").FullName;
        PillowScript.Run(System.IO.Path.Combine(RepositoryRoot.Directory, "tests", "RleTcp.Tests", "Imaging", script), TimeSpan.FromMinutes(1), _folder);
    }

    /// <summary>The path of the file the script named <paramref name="name"/> (a TIFF unless <paramref name="extension"/> says otherwise).</summary>
    public string Path(string name, string extension = ".tif") => System.IO.Path.Combine(_folder, name + extension);

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
