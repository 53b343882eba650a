using System.Reflection;
using System.Text.Json;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Architecture;

/// <summary>
/// The layers point one way (docs/DESIGN.md): the wire and the codecs (RleTcp.Protocol) and the client library know no
/// image library, so an application on any ImageSharp version can take the client package.
/// </summary>
[Trait("Category", "Unit")]
public class LayerDependencyTests
{
    [Theory]
    [InlineData("RleTcp.Protocol")]
    [InlineData("RleTcp.Client")]
    public void TheAssemblyReferenceClosureHoldsNoImageLibraryAndNoHigherLayer(string assemblyName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>();
        pending.Push(new AssemblyName(assemblyName));
        while (pending.Count > 0)
        {
            AssemblyName name = pending.Pop();
            if (!seen.Add(name.Name!) || !name.Name!.StartsWith("RleTcp", StringComparison.Ordinal) && name.Name != assemblyName)
            {
                continue;
            }

            foreach (AssemblyName reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        Assert.DoesNotContain(seen, n => n.StartsWith("SixLabors", StringComparison.Ordinal));
        Assert.DoesNotContain("RleTcp.Imaging", seen);
        Assert.DoesNotContain("RleTcp.Server", seen);
    }

    [Theory]
    [InlineData("protocol/RleTcp.Protocol")]
    [InlineData("client/RleTcp.Client")]
    public void TheRestoredPackageClosureHoldsNoImageLibrary(string project)
    {
        // project.assets.json is what NuGet resolved for the project, transitive packages included: exactly what a
        // consumer of the package inherits.
        string assets = Path.Combine(RepositoryRoot.Directory, project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(assets));
        string[] libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.NotEmpty(libraries);
        Assert.DoesNotContain(libraries, l => l.StartsWith("SixLabors", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(libraries, l => l.StartsWith("RleTcp.Imaging", StringComparison.Ordinal));
    }
}
