using System.Net.Sockets;
using System.Text.RegularExpressions;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// Graceful shutdown while many connections have requests in flight. <see cref="Server.GracefulShutdownTests"/> checks
/// the scripted cases (held requests, the drain timeout); this is the same promise under real compression load.
/// </summary>
[Trait("Category", "Socket")]
public partial class ShutdownUnderLoadTests(ITestOutputHelper output)
{
    private static readonly string[] Files = ["syn_drawing_800x600.bmp", "syn_noise50_512x512.png", "syn_checker1_301x99.bmp", "page_libtasn1_p36.png"];

    [Fact]
    public async Task EveryRequestTheServerAcceptedIsAnsweredBeforeItStopsAndTheRestEndCleanly()
    {
        const int Connections = 16;
        const int PerConnection = 30;
        // A short read-ahead and a small input pipe, so requests are still unread in the socket when the stop comes.
        TestServer server = await TestServer.StartAsync(o =>
        {
            o.MaxPipelinedRequests = 2;
            o.InputBufferBytes = 4096;
        });
        await using (server)
        {
            var clients = new FrameClient[Connections];
            var sending = new Task[Connections];
            for (int c = 0; c < Connections; c++)
            {
                clients[c] = await server.ConnectAsync();
                string[] order = Enumerable.Range(0, PerConnection).Select(i => Files[(c + i) % Files.Length]).ToArray();
                // Not awaited here: the server reads only a little ahead, so these sends finish as it works (or never).
                sending[c] = clients[c].SendRawAsync(order.SelectMany(f => FrameClient.Frame(Hardening.Input(f))).ToArray());
            }

            // Every connection has its first answer: work is in flight everywhere. Then stop.
            var firsts = await Task.WhenAll(clients.Select(c => c.ReadAnswerAsync()));
            Task stopping = server.StopAsync();

            int[] answered = await Task.WhenAll(clients.Select(async (client, c) =>
            {
                int n = 1;
                Assert.Equal(Hardening.Expected(Files[c % Files.Length]), firsts[c].Body);
                // Answers in order, each the right one, then a clean end of stream (never a reset, never a cut frame).
                while (await client.ReadAnswerOrEndAsync() is { } answer)
                {
                    Assert.Equal(ResponseStatus.Ok, answer.Status);
                    Assert.Equal(Hardening.Expected(Files[(c + n) % Files.Length]), answer.Body);
                    n++;
                }

                return n;
            }));
            await stopping.WaitAsync(TestServer.Patience);
            foreach (Task send in sending)
            {
                // A send the server never read to the end may fail once it closes; that is the refusal, not an error.
                await Record.ExceptionAsync(() => send.WaitAsync(TestServer.Patience));
            }

            // The server's own count of the requests it read (accepted) on each connection, from its close lines.
            long accepted = server.Logs.Entries
                .Select(e => ClosedLine().Match(e.Message))
                .Where(m => m.Success)
                .Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            output.WriteLine($"{answered.Sum()} answered of {Connections * PerConnection} sent; the server accepted {accepted}");
            Assert.Equal(accepted, answered.Sum());
            Assert.True(answered.Sum() < Connections * PerConnection, "Everything was answered before the stop took effect: the test proved nothing.");

            // After the stop: no new connection.
            await Assert.ThrowsAsync<SocketException>(server.ConnectSocketAsync);
            ServerAssertions.NoServerFault(server);
            foreach (FrameClient client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [GeneratedRegex(@"^Connection \d+ closed: \w+ after (\d+) requests$")]
    private static partial Regex ClosedLine();
}
