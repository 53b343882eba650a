using Microsoft.Extensions.Options;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Hosting;

/// <summary>Checks <see cref="MetricsEndpointOptions"/> at start, naming the key and the accepted values.</summary>
public sealed class MetricsEndpointOptionsValidator : IValidateOptions<MetricsEndpointOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, MetricsEndpointOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{MetricsEndpointOptions.SectionName}:Port must be between 0 and 65535 (or unset to turn the side port off); got {options.Port}.");
        }

        if (!BindAddress.TryParse(options.Bind, out _))
        {
            failures.Add($"{MetricsEndpointOptions.SectionName}:Bind must be an IP address literal (e.g. 127.0.0.1, 0.0.0.0) or 'localhost'; got '{options.Bind}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
