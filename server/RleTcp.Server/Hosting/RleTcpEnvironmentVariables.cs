using Microsoft.Extensions.Configuration;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>
/// Reads <c>RLETCP_</c> environment variables into the "RleTcp" section: <c>RLETCP_PORT=2016</c> sets
/// <c>RleTcp:Port</c>, <c>RLETCP_MAXFRAMEBYTES=1048576</c> sets <c>RleTcp:MaxFrameBytes</c> (keys are case-insensitive;
/// <c>__</c> nests, as usual in .NET).
/// </summary>
public sealed class RleTcpEnvironmentVariables : IConfigurationSource
{
    /// <summary>The environment variable prefix.</summary>
    public const string Prefix = "RLETCP_";

    /// <inheritdoc/>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    private sealed class Provider : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                if (entry.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && name.Length > Prefix.Length)
                {
                    string key = RleTcpServerOptions.SectionName + ConfigurationPath.KeyDelimiter +
                                 name[Prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                    data[key] = entry.Value as string;
                }
            }

            Data = data;
        }
    }
}
