using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using RleTcp.Protocol.Rle;

namespace RleTcp.Client;

/// <summary>
/// A client of the textbook wire protocol (docs/PROTOCOL.md, "Textbook mode"): one connection per request, the
/// request framed as in protocol v1 (an 8-byte big-endian length, then the image), and the answer the bare
/// <c>.rle</c> bytes up to end of stream — exactly what the chapter's asyncio client does. It talks to RleTcp's
/// textbook port and to a server written from the chapter.
/// </summary>
/// <remarks>
/// The textbook protocol has no status: a server that refuses an image closes the connection without a byte. That
/// shows here as <see cref="RleTcpConnectionException"/> with <see cref="RleTcpConnectionError.Closed"/>. TLS is not
/// part of that protocol, so <see cref="RleTcpClientOptions.Tls"/> must be null.
/// </remarks>
public sealed class RleTcpTextbookClient
{
    private readonly RleTcpEndpoint _endpoint;
    private readonly RleTcpClientOptions _options;

    /// <summary>Creates a client for <paramref name="endpoint"/>; nothing connects until a request is made.</summary>
    /// <exception cref="ArgumentException">The options ask for TLS, which the textbook protocol does not have.</exception>
    public RleTcpTextbookClient(RleTcpEndpoint endpoint, RleTcpClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= RleTcpClientOptions.Default;
        options.Validate();
        if (options.Tls is not null)
        {
            throw new ArgumentException("The textbook protocol has no TLS; use the main port for TLS.", nameof(options));
        }

        _endpoint = endpoint;
        _options = options;
    }

    /// <summary>
    /// Sends <paramref name="image"/> on a new connection and reads the answer to end of stream. The whole exchange,
    /// connect included, is bounded by <see cref="RleTcpClientOptions.RequestTimeout"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The image is empty or over <see cref="RleTcpClientOptions.MaxRequestBytes"/>.</exception>
    /// <exception cref="RleTcpConnectionException">
    /// The connection failed; the server closed it without an answer (<see cref="RleTcpConnectionError.Closed"/>:
    /// a refusal, in this protocol); the answer is not a whole RLE image or is over
    /// <see cref="RleTcpClientOptions.MaxResponseBytes"/>; or the exchange took too long.
    /// </exception>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RleCompressionResult.CheckImage(image);
        if (image.Length > _options.MaxRequestBytes)
        {
            throw new ArgumentException(
                $"The image is {image.Length} bytes; this client sends at most {_options.MaxRequestBytes} (MaxRequestBytes).", nameof(image));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(_options.RequestTimeout);
        }

        try
        {
            using Socket socket = await TcpConnector.ConnectAsync(_endpoint, _options.ConnectTimeout, deadline.Token).ConfigureAwait(false);
            byte[] header = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(header, (ulong)image.Length);
            await socket.SendAsync(header, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            await SendAllAsync(socket, image, deadline.Token).ConfigureAwait(false);
            byte[] answer = await ReceiveToEndAsync(socket, deadline.Token).ConfigureAwait(false);
            return Check(answer);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RleTcpConnectionException(
                RleTcpConnectionError.RequestTimeout,
                $"{_endpoint} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s.");
        }
        catch (SocketException ex)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.Closed, $"The connection to {_endpoint} failed: {ex.Message}", ex);
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private async Task<byte[]> ReceiveToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var answer = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (answer.Length + read > _options.MaxResponseBytes)
            {
                throw new RleTcpConnectionException(
                    RleTcpConnectionError.ResponseTooLarge,
                    $"The answer from {_endpoint} is over {_options.MaxResponseBytes} bytes (MaxResponseBytes).");
            }

            answer.Write(chunk, 0, read);
        }

        return answer.ToArray();
    }

    private RleCompressionResult Check(byte[] answer)
    {
        if (answer.Length == 0)
        {
            throw new RleTcpConnectionException(
                RleTcpConnectionError.Closed,
                $"The server at {_endpoint} closed the connection without an answer (in the textbook protocol that is how " +
                "a refused image, a busy server or a timeout looks).");
        }

        // The length comes only from end of stream, so a cut or padded answer is caught by decoding it strictly.
        try
        {
            RleDecoder.Decode(answer).Dispose();
        }
        catch (RleFormatException ex)
        {
            throw new RleTcpConnectionException(
                RleTcpConnectionError.ProtocolViolation,
                $"The {answer.Length}-byte answer from {_endpoint} is not a whole RLE image: {ex.Message}", ex);
        }

        return RleCompressionResult.FromRle(answer);
    }
}
