using RleTcp.Client;

namespace RleTcp.Cli.Common;

/// <summary>
/// Compresses through a server that speaks the textbook chapter's protocol (the chapter's own server, or RleTcp's
/// textbook port): one connection per image, the answer is the <c>.rle</c> bytes up to end of stream.
/// </summary>
internal sealed class TextbookImageCompressor(ServerAddress server) : IImageCompressor
{
    private readonly RleTcpTextbookClient _client = new(new RleTcpEndpoint(server.Host, server.Port));

    public string Description => $"textbook server {server}";

    /// <exception cref="RleTcpConnectionException">The connection failed, or the server closed it without an answer
    /// (the textbook protocol's only refusal: it has no status to say why).</exception>
    public async Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        (await _client.CompressAsync(image, cancellationToken).ConfigureAwait(false)).Rle;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
