namespace RleTcp.Tests.Support;

/// <summary>The repository root: the first folder above the test binaries holding <c>RleTcp.sln</c>.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The full path of the root.</summary>
    public static string Directory => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RleTcp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("RleTcp.sln not found above " + AppContext.BaseDirectory);
    }
}
