using Microsoft.Extensions.Logging;

namespace RleTcp.Tests.Support;

/// <summary>Assertions about an in-process server that many test classes share.</summary>
public static class ServerAssertions
{
    /// <summary>The server logged nothing at Error or above: every way a connection ended was an expected one.</summary>
    public static void NoServerFault(TestServer server) => Assert.Empty(server.Logs.AtOrAbove(LogLevel.Error));
}
