using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RleTcp.Server.Hosting;

/// <summary>The server executable: configuration sources, the host, and exit codes.</summary>
public static class RleTcpServerApp
{
    /// <summary>Exit code for a configuration the validator refused.</summary>
    public const int InvalidConfigurationExitCode = 2;

    /// <summary>Exit code when the endpoint cannot be bound (in use, not a local address).</summary>
    public const int CannotListenExitCode = 3;

    /// <summary>Short command-line switches and the keys they set; <c>--RleTcp:AnyOption value</c> works for the rest.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>
    {
        ["--port"] = "RleTcp:Port",
        ["--textbook-port"] = "RleTcp:TextbookPort",
        ["--bind"] = "RleTcp:Bind",
        ["--workers"] = "RleTcp:Workers",
        ["--max-frame-bytes"] = "RleTcp:MaxFrameBytes",
        ["--max-pixels"] = "RleTcp:MaxPixels",
        ["--max-connections"] = "RleTcp:MaxConnections",
        ["--workload"] = "RleTcp:Workload",
        ["--metrics-port"] = MetricsEndpointOptions.SectionName + ":Port",
    };

    /// <summary>
    /// A host builder with the server registered. Configuration, later wins: appsettings.json (beside the executable),
    /// appsettings.{Environment}.json, <c>RLETCP_</c> environment variables, the command line.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        ((IConfigurationBuilder)builder.Configuration).Add(new RleTcpEnvironmentVariables());
        builder.Configuration.AddCommandLine(args, SwitchMappings.ToDictionary(p => p.Key, p => p.Value));
        builder.AddRleTcpServer();
        builder.Services.AddSystemd(); // a no-op unless started by systemd: then Type=notify readiness and journald logs
        return builder;
    }

    /// <summary>Runs the server until Ctrl+C or SIGTERM; returns the process exit code (0 after a graceful stop).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            // Options are validated when the host is built (the drain timeout sizes the host's shutdown timeout)
            // and again at start; either way a bad value ends here with its message.
            using IHost host = CreateBuilder(args).Build();
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("rletcp-server: invalid configuration:").ConfigureAwait(false);
            foreach (string failure in e.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
            }

            return InvalidConfigurationExitCode;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or OverflowException or ArgumentException)
        {
            // A value the binder could not convert, e.g. --port abc.
            await Console.Error.WriteLineAsync($"rletcp-server: invalid configuration: {e.Message} {e.InnerException.Message}").ConfigureAwait(false);
            return InvalidConfigurationExitCode;
        }
        catch (FormatException e)
        {
            // A malformed command line, e.g. a switch without a value.
            await Console.Error.WriteLineAsync($"rletcp-server: bad command line: {e.Message}").ConfigureAwait(false);
            return InvalidConfigurationExitCode;
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Net.HttpListenerException listen)
        {
            await Console.Error.WriteLineAsync($"rletcp-server: cannot serve the metrics side port: {listen.Message}").ConfigureAwait(false);
            return CannotListenExitCode;
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"rletcp-server: cannot listen: {e.Message}").ConfigureAwait(false);
            return CannotListenExitCode;
        }
    }
}
