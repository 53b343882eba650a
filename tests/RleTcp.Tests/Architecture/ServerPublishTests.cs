using System.Xml.Linq;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Architecture;

/// <summary>
/// The server's host-only packages are private (the embedding rletcp tool does not inherit them), and the .NET SDK
/// leaves a private package out of <c>dotnet publish</c> unless it says <c>Publish="true"</c>: without it the
/// single-file server of the Dockerfile and the systemd unit failed at start (no Microsoft.Extensions.Hosting.Systemd).
/// </summary>
[Trait("Category", "Unit")]
public class ServerPublishTests
{
    [Fact]
    public void EveryPrivatePackageOfTheServerIsPublishedWithIt()
    {
        string project = Path.Combine(RepositoryRoot.Directory, "server", "RleTcp.Server", "RleTcp.Server.csproj");
        XElement[] privatePackages = XDocument.Load(project).Descendants("PackageReference")
            .Where(p => string.Equals((string?)p.Attribute("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase))
            .ToArray();

        Assert.NotEmpty(privatePackages);
        foreach (XElement package in privatePackages)
        {
            Assert.True(
                string.Equals((string?)package.Attribute("Publish"), "true", StringComparison.OrdinalIgnoreCase),
                $"{package.Attribute("Include")} is PrivateAssets=\"all\" without Publish=\"true\": dotnet publish would leave it out.");
        }
    }
}
