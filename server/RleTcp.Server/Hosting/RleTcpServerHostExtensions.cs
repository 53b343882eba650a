using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Imaging.Sandbox;
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
    /// registers the executor, the request, decode-memory and answer budgets, the request processor chosen by
    /// <see cref="RleTcpServerOptions.Workload"/> (unless one is registered already) and the
    /// <see cref="RleTcpListener"/>, a singleton that is also the hosted service, and the server's meter. The metrics
    /// side port is the executable's (<see cref="RleTcpMetricsHostExtensions.AddRleTcpMetricsEndpoint"/>).
    /// </summary>
    public static IHostApplicationBuilder AddRleTcpServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        services.AddMetrics();
        services.AddSingleton<RleTcpMetrics>();

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
        services.AddSingleton(sp => new DecodeMemoryBudget(
            sp.GetRequiredService<IOptions<RleTcpServerOptions>>().Value.MaxDecodeMemoryBytes));
        services.AddSingleton(sp => new AnswerBytesBudget(
            sp.GetRequiredService<IOptions<RleTcpServerOptions>>().Value.MaxBufferedAnswerBytes));
        services.AddSingleton(sp => new RequestExecutor(
            sp.GetRequiredService<IOptions<RleTcpServerOptions>>(),
            sp.GetRequiredService<IRequestProcessor>(),
            sp.GetRequiredService<ILogger<RequestExecutor>>(),
            sp.GetRequiredService<RleTcpMetrics>(),
            sp.GetRequiredService<AnswerBytesBudget>()));
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
                : new ImageCompressionProcessor(
                    options, sp.GetRequiredService<ILibraryDecoder>(), sp.GetRequiredService<DecodeMemoryBudget>(), sp.GetRequiredService<RleTcpMetrics>(),
                    sp.GetService<ILogger<ImageCompressionProcessor>>());
        });

        // Resolved with the processor, when the listener starts: the workers are started before the first request.
        // The container disposes the sandbox (killing its workers) when the host stops.
        services.AddSingleton<ILibraryDecoder>(sp =>
        {
            RleTcpServerOptions o = sp.GetRequiredService<IOptions<RleTcpServerOptions>>().Value;
            if (!o.DecodeSandbox)
            {
                return InProcessLibraryDecoder.Instance;
            }

            return new DecodeSandbox(
                new DecodeSandboxOptions { Processes = o.EffectiveDecodeProcesses, MemoryLimitBytes = o.DecodeProcessMemoryBytes },
                sp.GetService<ILogger<DecodeSandbox>>(),
                sp.GetRequiredService<RleTcpMetrics>());
        });
    }
}
