using System.Buffers;
using System.Buffers.Binary;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;

namespace RleTcp.Client;

public sealed partial class RleTcpClient
{
    // v2: requests written and not answered, by id (guarded by _awaitingAnswer, like the v1 queue).
    private readonly Dictionary<uint, PendingRequest> _byId = [];
    private readonly SemaphoreSlim? _inFlightSlots;

    // Cancelled when the connection fails, so a send loop waiting for an in-flight slot stops waiting.
    private readonly CancellationTokenSource _dead = new();
    private uint _nextId;

    /// <summary>What the server announced in its HELLO answer; null when the connection speaks v1.</summary>
    public V2ServerInfo? Server { get; }

    /// <summary>The protocol version this connection speaks: 2 after a HELLO was accepted, else 1.</summary>
    public int ProtocolVersion => Server is null ? 1 : V2Wire.Version;

    /// <summary>
    /// Compresses one encoded image with per-request <paramref name="options"/> (threshold, invert, page, resize,
    /// codec, deadline, pixel budget; docs/PROTOCOL.md). Cancelling <paramref name="cancellationToken"/> after the request
    /// was sent sends CANCEL, so the server stops its work at the next row band.
    /// </summary>
    /// <exception cref="NotSupportedException">Options were given and the server speaks only v1.</exception>
    /// <exception cref="RleTcpException">The server refused the image or the options (status and message inside).</exception>
    public async Task<RleCompressionResult> CompressAsync(ReadOnlyMemory<byte> image, V2RequestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireV2IfAny(options, "Per-request options");
        RleCompressionResult.CheckImage(image);
        RleTcpResponse response = await SendV2OrV1Async(image, V2Op.Compress, options, cancellationToken).ConfigureAwait(false);
        return RleCompressionResult.FromResponse(response);
    }

    /// <summary>Reads format, size, mode and frame count from the image's header on the server (v2 INFO; no pixel decoded).</summary>
    /// <exception cref="NotSupportedException">The server speaks only v1.</exception>
    /// <exception cref="RleTcpException">The server could not read the header.</exception>
    public async Task<RleImageInfo> InfoAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken = default)
    {
        RequireV2("INFO");
        RleTcpResponse response = await SendV2OrV1Async(image, V2Op.Info, V2RequestOptions.None, cancellationToken).ConfigureAwait(false);
        response.EnsureOk();
        V2AnswerFields f = response.Fields!;
        return new RleImageInfo(f.Format ?? "", (int)(f.Width ?? 0), (int)(f.Height ?? 0), f.Mode ?? "", (int)(f.Frames ?? 1));
    }

    /// <summary>
    /// Turns an encoded bilevel image (RLE unless <see cref="V2RequestOptions.Codec"/> says otherwise) into a PNG, BMP, PBM or
    /// TIFF file (<see cref="V2RequestOptions.Format"/>, default PNG) on the server (v2 DECOMPRESS).
    /// </summary>
    /// <exception cref="NotSupportedException">The server speaks only v1.</exception>
    /// <exception cref="RleTcpException">The data is not valid for its codec, or too large.</exception>
    public async Task<byte[]> DecompressAsync(ReadOnlyMemory<byte> data, V2RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        RequireV2("DECOMPRESS");
        RleTcpResponse response = await SendV2OrV1Async(data, V2Op.Decompress, options ?? V2RequestOptions.None, cancellationToken).ConfigureAwait(false);
        response.EnsureOk();
        return response.Body;
    }

    /// <summary>
    /// Sends one v2 request as it is and returns the answer whatever its status (for conformance tools and tests: no
    /// check of the op or options is made here, the server judges them).
    /// </summary>
    /// <exception cref="NotSupportedException">The server speaks only v1.</exception>
    public Task<RleTcpResponse> SendV2Async(V2Op op, V2RequestOptions options, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireV2($"op {op}");
        return SendV2OrV1Async(body, op, options, cancellationToken);
    }

    private Task<RleTcpResponse> SendV2OrV1Async(ReadOnlyMemory<byte> body, V2Op op, V2RequestOptions options, CancellationToken cancellationToken)
    {
        if (body.Length > _options.MaxRequestBytes)
        {
            throw new ArgumentException(
                $"The request is {body.Length} bytes; this client sends at most {_options.MaxRequestBytes} (MaxRequestBytes).");
        }

        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<RleTcpResponse>(cancellationToken)
            : Enqueue(new PendingRequest(body, op, options), cancellationToken);
    }

    private void RequireV2IfAny(V2RequestOptions options, string what)
    {
        if (!options.IsEmpty)
        {
            RequireV2(what);
        }
    }

    private void RequireV2(string what)
    {
        if (Server is null)
        {
            throw new NotSupportedException($"{what} need protocol v2; the server at {Remote} speaks v1 (it refused the HELLO, or Protocol is V1).");
        }
    }

    // Writes a HELLO straight onto the new connection and reads its answer, before the loops start. A v2 server answers
    // OK with its offer; a v1 server (or v2 switched off) answers InvalidImage, and the connection goes on in v1.
    private static async Task<V2ServerInfo?> NegotiateAsync(Stream stream, string remote, RleTcpClientOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var hello = new ArrayBufferWriter<byte>(FrameHeader.Size + V2Wire.HelloLength);
            V2Messages.WriteHelloFrame(hello);
            await stream.WriteAsync(hello.WrittenMemory, timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            byte[] header = new byte[FrameHeader.Size];
            await stream.ReadExactlyAsync(header, timeout.Token).ConfigureAwait(false);
            ulong length = FrameHeader.Read(header);
            if (length == 0 || length > (ulong)Math.Min(options.MaxResponseBytes, 1 << 16))
            {
                throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {remote} answered the HELLO with a {length}-byte frame.");
            }

            byte[] payload = new byte[(int)length];
            await stream.ReadExactlyAsync(payload, timeout.Token).ConfigureAwait(false);
            var status = (ResponseStatus)payload[0];
            if (status == ResponseStatus.InvalidImage)
            {
                // What every v1 server says to a HELLO: fall back, or refuse when v2 was required.
                return options.Protocol == RleTcpProtocol.V2
                    ? throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {remote} does not speak protocol v2 (it answered the HELLO InvalidImage).")
                    : null;
            }

            if (status != ResponseStatus.Ok)
            {
                throw new RleTcpException(status, System.Text.Encoding.UTF8.GetString(payload, 1, payload.Length - 1));
            }

            V2ServerInfo? server = TryReadHelloAnswer(payload);
            if (server is null && options.Protocol == RleTcpProtocol.V2)
            {
                throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {remote} answered the HELLO with something that is not a v2 HELLO answer.");
            }

            // An OK that is not a HELLO answer comes from a v1 server that took the HELLO as an ordinary request (a
            // frame-echo benchmark server does): one request, one answer, so the connection goes on in v1.
            return server;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.ConnectTimeout, $"The server at {remote} did not answer the HELLO within {options.ConnectTimeout.TotalSeconds:0.###} s.");
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or System.Net.Sockets.SocketException)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.Closed, $"The connection to {remote} failed during the HELLO: {ex.Message}", ex);
        }
    }

    private static V2ServerInfo? TryReadHelloAnswer(byte[] payload)
    {
        try
        {
            V2Answer answer = V2Messages.ParseAnswer(new ReadOnlySequence<byte>(payload));
            return answer is { Id: 0, Op: (byte)V2Op.Hello } && answer.Fields.Server is { ProtocolVersion: V2Wire.Version } server ? server : null;
        }
        catch (V2FormatException)
        {
            return null;
        }
    }

    private void DeliverV2(in ReadOnlySequence<byte> payload)
    {
        V2Answer answer;
        try
        {
            answer = V2Messages.ParseAnswer(payload);
        }
        catch (V2FormatException ex)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {Remote} sent a malformed v2 answer: {ex.Message}", ex);
        }

        if (answer.Id == 0 && answer.Op == 0xFF)
        {
            // A connection-level answer (FrameTooLarge, frame Timeout): the server closes after it.
            throw new RleTcpConnectionException(RleTcpConnectionError.Closed, $"The server at {Remote} ended the connection: {answer.Status}: {answer.Message}");
        }

        PendingRequest? request;
        lock (_awaitingAnswer)
        {
            if (_byId.Remove(answer.Id, out request))
            {
                _awaitingCount--;
            }
        }

        if (request is null)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {Remote} answered request id {answer.Id}, which is not in flight.");
        }

        if (request.Op != V2Op.Cancel)
        {
            _inFlightSlots!.Release();
        }

        request.TrySetResult(new RleTcpResponse(answer.Status, answer.Body) { Fields = answer.Fields });
    }

    // The caller gave up on a request already on the wire: on v2, ask the server to stop it (its Cancelled answer is
    // read and dropped). When the outbox is full the CANCEL is skipped; the answer still comes and is dropped.
    private void CancelOnServer(PendingRequest request)
    {
        if (Server is null || Volatile.Read(ref _failure) is not null)
        {
            return;
        }

        byte[] target = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(target, request.Id);
        var cancel = new PendingRequest(target, V2Op.Cancel, V2RequestOptions.None);
        Interlocked.Increment(ref _queuedCount);
        if (!_outbox.Writer.TryWrite(cancel))
        {
            Interlocked.Decrement(ref _queuedCount);
        }
    }
}
