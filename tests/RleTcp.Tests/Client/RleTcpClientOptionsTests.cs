using RleTcp.Client;
using RleTcp.Server.Hosting;
using RleTcp.Server.Configuration;

namespace RleTcp.Tests.Client;

/// <summary>Defaults of the client options that must agree with the server's.</summary>
public class RleTcpClientOptionsTests
{
    [Fact]
    public void TheDefaultRequestTimeoutOutlastsTheServersSoItsTimeoutAnswerArrivesFirst()
    {
        // The server answers Timeout (connection kept) RequestTimeout after a request's last byte; the client must
        // still be waiting then, with room for the upload and the answer's trip.
        TimeSpan server = new RleTcpServerOptions().RequestTimeout;
        TimeSpan client = RleTcpClientOptions.Default.RequestTimeout;

        Assert.True(client >= server + TimeSpan.FromSeconds(10), $"client {client} vs server {server}");
    }
}
