using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RleTcp.Server.Hosting;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Tests.Support;

/// <summary>Server metrics for a component built outside a host (e.g. an executor on its own), on a meter factory of their own.</summary>
public static class StandaloneMetrics
{
    private static readonly IMeterFactory Factory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    /// <summary>A fresh <see cref="RleTcpMetrics"/>; nothing listens unless a test does.</summary>
    public static RleTcpMetrics Create() => new(Factory);
}
