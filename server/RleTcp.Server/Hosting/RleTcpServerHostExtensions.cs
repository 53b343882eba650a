using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RleTcp.Server.Execution;
using RleTcp.Server.Transport;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Hosting;

/// <summary>Registers the RleTcp server in a Generic Host, for the server executable, tests and in-process demos.</summary>
public static class RleTcpServerHostExtensions
{
    /// <summary>
    /// Binds <see cref="RleTcpServerOptions"/> from the configuration section "RleTcp" (validated at start), and
    /// registers the executor, the request buffer budget, the request processor chosen by
    /// <see cref="RleTcpServerOptions.Workload"/> (unless one is registered already) and the
    /// <see cref="RleTcpListener"/>, a singleton that is also the hosted service.
    /// </summary>
    public static IHostApplicationBuilder AddRleTcpServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        builder.AddRleTcpMetrics(); // first: its health endpoint starts before the listener and stops after it

        services.AddOptions<RleTcpServerOptions>()
            .Bind(builder.Configuration.GetSection(RleTcpServerOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RleTcpServerOptions>, RleTcpServerOptionsValidator>();

        // The host must wait for the drain, or it would cut connections before their answers are sent.
        services.AddOptions<HostOptions>().Configure<IOptions<RleTcpServerOptions>>((host, server) =>
        {
            TimeSpan needed = server.Value.DrainTimeout + TimeSpan.FromSeconds(5);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });

        services.AddSingleton(sp => new BufferedBytesBudget(
            sp.GetRequiredService<IOptions<RleTcpServerOptions>>().Value.MaxBufferedRequestBytes));
        services.AddSingleton<RequestExecutor>();
        services.TryAddRequestProcessor();
        services.AddSingleton<RleTcpListener>();
        services.AddHostedService(sp => sp.GetRequiredService<RleTcpListener>());
        return builder;
    }

    private static void TryAddRequestProcessor(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IRequestProcessor)))
        {
            return;
        }

        services.AddSingleton<IRequestProcessor>(sp =>
        {
            IOptions<RleTcpServerOptions> options = sp.GetRequiredService<IOptions<RleTcpServerOptions>>();
            return options.Value.Workload == ServerWorkload.FrameEcho
                ? new FrameEchoProcessor()
                : new ImageCompressionProcessor(options);
        });
    }
}
