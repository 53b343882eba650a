using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RleTcp.Client;
using RleTcp.Tests.Cli;
using RleTcp.Tests.Server;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Textbook;

/// <summary>
/// The textbook listener (docs/PROTOCOL.md, "Textbook mode"): one request per connection, framed as in v1; the answer
/// is the bare .rle bytes, then a clean close; any refusal is a close with zero answer bytes.
/// </summary>
public class TextbookListenerTests
{
    [Fact]
    public async Task TheChaptersAsyncioClientGetsTheExpectedBytesOfEveryVector()
    {
        await using TestServer server = await StartAsync();
        string client = Path.Combine(RepositoryRoot.Directory, "clients", "textbook", "chapter_client.py");
        using var output = new TempDirectory();
        var wrong = new List<string>();
        foreach (VectorCase vector in Vectors.All)
        {
            string answer = Path.Combine(output.Path, vector.File + ".rle");
            ProcessResult run = await ChildProcess.RunAsync(
                ChildProcess.RequireOnPath("python3"),
                [client, "127.0.0.1", Port(server), vector.InputPath, answer],
                RepositoryRoot.Directory);
            byte[] expected = await File.ReadAllBytesAsync(vector.ExpectedPath);
            if (run.ExitCode != 0 || !(await File.ReadAllBytesAsync(answer)).AsSpan().SequenceEqual(expected))
            {
                wrong.Add($"{vector.File}: {run}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task TheAnswerIsByteIdenticalToTheV1AnswersBody()
    {
        await using TestServer server = await StartAsync();
        byte[] image = await File.ReadAllBytesAsync(Vectors.Get("syn_photo_rgb_480x320.png").InputPath);
        await using RleTcpClient v1 = await RleTcpClient.ConnectAsync(server.EndPoint);

        byte[] textbook = await ExchangeAsync(TextbookEndPoint(server), Request(image));
        RleTcpResponse framed = await v1.SendAsync(image);

        Assert.Equal(framed.Body, textbook);
    }

    [Theory]
    [InlineData("not an image")]
    [InlineData("")]
    public async Task ABadImageOrAnEmptyPayloadClosesWithZeroBytesAndTheNextConnectionIsServed(string payload)
    {
        await using TestServer server = await StartAsync();
        byte[] good = await File.ReadAllBytesAsync(Vectors.Get("syn_w127_runs.png").InputPath);

        byte[] refused = await ExchangeAsync(TextbookEndPoint(server), Request(System.Text.Encoding.UTF8.GetBytes(payload)));
        byte[] served = await ExchangeAsync(TextbookEndPoint(server), Request(good));

        Assert.Empty(refused);
        Assert.Equal(await File.ReadAllBytesAsync(Vectors.Get("syn_w127_runs.png").ExpectedPath), served);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("closed without an answer: InvalidImage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFrameOverTheLimitClosesWithZeroBytesBeforeThePayloadIsRead()
    {
        await using TestServer server = await StartAsync(o => o.MaxFrameBytes = 1024);
        byte[] header = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(header, 1_000_000);

        Assert.Empty(await ExchangeAsync(TextbookEndPoint(server), header));
    }

    [Fact]
    public async Task AHeaderSplitOverManyWritesIsReadWhole()
    {
        await using TestServer server = await StartAsync();
        VectorCase vector = Vectors.Get("syn_checker1_301x99.bmp");
        byte[] request = Request(await File.ReadAllBytesAsync(vector.InputPath));
        using Socket socket = await ConnectAsync(TextbookEndPoint(server));

        // The header one byte per write, then the payload in odd pieces.
        for (int i = 0; i < 8; i++)
        {
            await socket.SendAsync(request.AsMemory(i, 1));
            await Task.Delay(5);
        }

        for (int offset = 8; offset < request.Length; offset += 777)
        {
            await socket.SendAsync(request.AsMemory(offset, Math.Min(777, request.Length - offset)));
        }

        Assert.Equal(await File.ReadAllBytesAsync(vector.ExpectedPath), await ReadToEndAsync(socket));
    }

    [Fact]
    public async Task BytesSentAfterThePayloadAreIgnored()
    {
        await using TestServer server = await StartAsync();
        VectorCase vector = Vectors.Get("syn_w255_runs.png");
        byte[] request = [.. Request(await File.ReadAllBytesAsync(vector.InputPath)), .. Request([1, 2, 3]), 9, 9, 9];

        Assert.Equal(await File.ReadAllBytesAsync(vector.ExpectedPath), await ExchangeAsync(TextbookEndPoint(server), request));
    }

    [Fact]
    public async Task TextbookAndV1ClientsAreServedAtOnceByOneServer()
    {
        await using TestServer server = await StartAsync();
        VectorCase[] vectors = [Vectors.Get("syn_noise50_512x512.png"), Vectors.Get("syn_drawing_800x600.bmp"), Vectors.Get("syn_palette16_320x240.gif")];
        var textbook = new RleTcpTextbookClient(new RleTcpEndpoint("127.0.0.1", TextbookEndPoint(server).Port));
        await using RleTcpClient v1 = await RleTcpClient.ConnectAsync(server.EndPoint);

        var work = new List<Task<(VectorCase Vector, byte[] Rle)>>();
        for (int round = 0; round < 8; round++)
        {
            foreach (VectorCase vector in vectors)
            {
                byte[] image = await File.ReadAllBytesAsync(vector.InputPath);
                work.Add(Task.Run(async () => (vector, (await textbook.CompressAsync(image)).Rle)));
                work.Add(Task.Run(async () => (vector, (await v1.CompressAsync(image)).Rle)));
            }
        }

        foreach ((VectorCase vector, byte[] rle) in await Task.WhenAll(work).WaitAsync(TestServer.Patience))
        {
            Assert.Equal(await File.ReadAllBytesAsync(vector.ExpectedPath), rle);
        }
    }

    [Fact]
    public async Task OverTheSharedConnectionCapATextbookConnectionClosesWithZeroBytes()
    {
        await using TestServer server = await StartAsync(o => o.MaxConnections = 1);
        await using FrameClient holder = await server.ConnectAsync();
        await holder.SendFrameAsync([]);
        await holder.ReadAnswerAsync(); // the one connection the cap allows is established and counted

        byte[] answer = await ExchangeAsync(TextbookEndPoint(server), Request(await File.ReadAllBytesAsync(Vectors.Get("syn_1x1_white.png").InputPath)));

        Assert.Empty(answer);
    }

    [Fact]
    public async Task ShutdownDrainsATextbookRequestInProgress()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await StartAsync(processor: processor);
        using Socket socket = await ConnectAsync(TextbookEndPoint(server));
        await socket.SendAsync(Request(ScriptedProcessor.Hold("drained")));
        await processor.WaitEnteredAsync();

        Task stopping = server.StopAsync();
        await ServerLimitTests.WaitUntilAsync(() => server.Listener.IsStopping);
        processor.Release();

        Assert.Equal(ScriptedProcessor.Hold("drained"), await ReadToEndAsync(socket));
        await stopping.WaitAsync(TestServer.Patience);
    }

    private static Task<TestServer> StartAsync(Action<RleTcp.Server.Configuration.RleTcpServerOptions>? configure = null, ScriptedProcessor? processor = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.TextbookPort = 0;
                configure?.Invoke(o);
            },
            processor);

    private static IPEndPoint TextbookEndPoint(TestServer server) =>
        server.Listener.TextbookEndPoint ?? throw new InvalidOperationException("The textbook listener is not on.");

    private static string Port(TestServer server) => TextbookEndPoint(server).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Request(byte[] payload)
    {
        byte[] request = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt64BigEndian(request, (ulong)payload.Length);
        payload.CopyTo(request, 8);
        return request;
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        await socket.ConnectAsync(endPoint, timeout.Token);
        return socket;
    }

    private static async Task<byte[]> ExchangeAsync(IPEndPoint endPoint, byte[] request)
    {
        using Socket socket = await ConnectAsync(endPoint);
        await socket.SendAsync(request);
        return await ReadToEndAsync(socket);
    }

    // What the chapter's client does: read until end of stream (bounded, so a server that never closes fails the test).
    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TestServer.Patience);
        using var answer = new MemoryStream();
        byte[] chunk = new byte[65536];
        int read;
        while ((read = await socket.ReceiveAsync(chunk, SocketFlags.None, timeout.Token)) > 0)
        {
            answer.Write(chunk, 0, read);
        }

        return answer.ToArray();
    }
}

/// <summary>How the textbook port is configured: off by default, a switch, an environment variable, validated.</summary>
public class TextbookPortConfigurationTests
{
    [Fact]
    public void TheTextbookListenerIsOffByDefaultAndTheSwitchAndVariableTurnItOn()
    {
        Assert.Null(new RleTcp.Server.Configuration.RleTcpServerOptions().TextbookPort);
        Assert.Equal(2016, ServerConfigurationTests.OptionsFrom("--textbook-port", "2016").TextbookPort);

        Environment.SetEnvironmentVariable("RLETCP_TEXTBOOKPORT", "0");
        try
        {
            Assert.Equal(0, ServerConfigurationTests.OptionsFrom().TextbookPort);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RLETCP_TEXTBOOKPORT", null);
        }
    }

    [Theory]
    [InlineData(70000, "RleTcp:TextbookPort must be between 0 and 65535; got 70000.")]
    [InlineData(2015, "RleTcp:TextbookPort (2015) must differ from RleTcp:Port.")]
    public void ABadTextbookPortIsRefusedAtStart(int port, string expected)
    {
        var options = new RleTcp.Server.Configuration.RleTcpServerOptions { TextbookPort = port };

        var result = new RleTcp.Server.Hosting.RleTcpServerOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f == expected);
    }
}
