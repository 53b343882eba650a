using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RleTcp.Server.Hosting;
using RleTcp.Tests.Support;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Server;

/// <summary>Configuration sources, validation and the executable's lifecycle. One class: it touches process environment.</summary>
public partial class ServerConfigurationTests
{
    internal static RleTcpServerOptions OptionsFrom(params string[] args)
    {
        using IHost host = RleTcpServerApp.CreateBuilder(args).Build();
        return host.Services.GetRequiredService<IOptions<RleTcpServerOptions>>().Value;
    }

    [Fact]
    public void TheDefaultsAreTheDocumentedOnes()
    {
        var o = new RleTcpServerOptions();
        Assert.Equal("127.0.0.1", o.Bind);
        Assert.Equal(2015, o.Port);
        Assert.Equal(Environment.ProcessorCount, o.Workers);
        Assert.Equal(64L << 20, o.MaxFrameBytes);
        Assert.Equal(100_000_000, o.MaxPixels);
        Assert.True(new RleTcpServerOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void TheShortSwitchesSetPortBindAndWorkers()
    {
        RleTcpServerOptions o = OptionsFrom("--port", "2016", "--bind", "0.0.0.0", "--workers", "3");

        Assert.Equal(2016, o.Port);
        Assert.Equal("0.0.0.0", o.Bind);
        Assert.Equal(3, o.Workers);
    }

    [Fact]
    public void PrefixedEnvironmentVariablesSetOptionsAndTheCommandLineWins()
    {
        Environment.SetEnvironmentVariable("RLETCP_MAXPIXELS", "12345");
        Environment.SetEnvironmentVariable("RLETCP_PORT", "2017");
        try
        {
            RleTcpServerOptions o = OptionsFrom("--port", "2018", "--RleTcp:IdleTimeout", "00:00:07");

            Assert.Equal(12345, o.MaxPixels);
            Assert.Equal(2018, o.Port);
            Assert.Equal(TimeSpan.FromSeconds(7), o.IdleTimeout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RLETCP_MAXPIXELS", null);
            Environment.SetEnvironmentVariable("RLETCP_PORT", null);
        }
    }

    [Theory]
    [InlineData("Workers", 0, "RleTcp:Workers must be between 1 and 1024; got 0.")]
    [InlineData("Port", 70000, "RleTcp:Port must be between 0 and 65535; got 70000.")]
    [InlineData("MaxFrameBytes", 0, "RleTcp:MaxFrameBytes must be between 1 and")]
    public void ABadValueFailsValidationNamingTheKeyAndTheValue(string property, long value, string expected)
    {
        var o = new RleTcpServerOptions();
        typeof(RleTcpServerOptions).GetProperty(property)!.SetValue(o, Convert.ChangeType(value, typeof(RleTcpServerOptions).GetProperty(property)!.PropertyType));

        ValidateOptionsResult result = new RleTcpServerOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ABudgetSmallerThanOneFrameAndABadBindAreRefused()
    {
        var o = new RleTcpServerOptions { Bind = "example.com", MaxFrameBytes = 1000, MaxBufferedRequestBytes = 999 };

        ValidateOptionsResult result = new RleTcpServerOptionsValidator().Validate(null, o);

        Assert.Contains(result.Failures!, f => f.Contains("RleTcp:Bind", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("RleTcp:MaxBufferedRequestBytes (999) must be at least", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheExecutableRefusesABadOptionWithAMessageAndExitCode2()
    {
        (int code, string output) = await RunServerAsync(["--port", "0", "--workers", "0"], stop: false);

        Assert.Equal(RleTcpServerApp.InvalidConfigurationExitCode, code);
        Assert.Contains("RleTcp:Workers must be between 1 and 1024; got 0.", output);
    }

    [Fact]
    public async Task TheExecutableExitsWithCode3WhenItsEndpointIsTaken()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        string port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (int code, _) = await RunServerAsync(["--port", port, "--workers", "1"], stop: false);

        Assert.Equal(RleTcpServerApp.CannotListenExitCode, code);
    }

    [Fact]
    public async Task TheExecutableServesThenStopsOnSigtermWithExitCode0()
    {
        (int code, string output) = await RunServerAsync(["--port", "0", "--workers", "1"], stop: true);

        Assert.Equal(0, code);
        Assert.Contains("RleTcp listening on 127.0.0.1:", output);
        Assert.Contains("1 workers", output);
        Assert.Contains("workload Compress", output);
        Assert.Contains("RleTcp stopped", output);
    }

    // Runs the built server as a child process. With stop: waits for its start line, pings it, sends SIGTERM.
    private static async Task<(int Code, string Output)> RunServerAsync(string[] args, bool stop)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RleTcp.Server.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(int.Parse(m.Groups[1].Value));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        try
        {
            if (stop)
            {
                int port = await listening.Task.WaitAsync(timeout.Token);
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), timeout.Token);
                await using (var client = new FrameClient(socket))
                {
                    await client.AssertPingAsync();
                    VectorCase vector = Vectors.Get("crop_libtasn1_p15_256.png");
                    await client.SendFrameAsync(File.ReadAllBytes(vector.InputPath));
                    Assert.Equal(File.ReadAllBytes(vector.ExpectedPath), (await client.ReadAnswerAsync()).Body);
                }

                using Process kill = Process.Start("kill", ["-TERM", process.Id.ToString()])!;
                await kill.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        process.WaitForExit(); // drains the redirected output
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}
