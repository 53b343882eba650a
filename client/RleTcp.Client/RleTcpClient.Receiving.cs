using System.Buffers;
using System.IO.Pipelines;
using RleTcp.Protocol.Framing;

namespace RleTcp.Client;

public sealed partial class RleTcpClient
{
    /// <summary>The only reader of the socket: parses answer frames and completes the oldest pending request with each.</summary>
    private async Task ReceiveLoopAsync()
    {
        RleTcpConnectionException failure;
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (TryReadFrame(ref buffer, out ReadOnlySequence<byte> payload))
                {
                    Deliver(payload);
                }

                // Consumed up to the first incomplete frame; everything was examined, so the next read waits for more bytes.
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    failure = buffer.IsEmpty
                        ? new RleTcpConnectionException(RleTcpConnectionError.Closed, $"The server at {Remote} closed the connection before answering.")
                        : new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {Remote} closed the connection in the middle of a frame.");
                    break;
                }
            }
        }
        catch (RleTcpConnectionException ex)
        {
            failure = ex;
        }
        catch (Exception ex)
        {
            failure = new RleTcpConnectionException(RleTcpConnectionError.Closed, $"The connection to {Remote} failed: {ex.Message}", ex);
        }

        await _input.CompleteAsync().ConfigureAwait(false);
        Fail(failure);
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/> with the protocol's <see cref="FrameParser"/>,
    /// which checks the declared length the moment the header is complete, so a hostile length never makes the
    /// client buffer its body.
    /// </summary>
    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        FrameParseStatus status = FrameParser.TryParse(buffer, _options.MaxResponseBytes, out SequencePosition consumed, out _, out payload, out ulong length);
        switch (status)
        {
            case FrameParseStatus.Incomplete:
                return false;
            case FrameParseStatus.TooLarge:
                throw new RleTcpConnectionException(
                    RleTcpConnectionError.ResponseTooLarge, $"The server at {Remote} declared a {length}-byte answer; this client accepts at most {_options.MaxResponseBytes} (MaxResponseBytes).");
            case FrameParseStatus.Parsed when length == 0:
                throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {Remote} sent an empty frame; every answer starts with a status byte.");
            default:
                buffer = buffer.Slice(consumed);
                return true;
        }
    }

    private void Deliver(in ReadOnlySequence<byte> payload)
    {
        if (Server is not null)
        {
            DeliverV2(payload);
            return;
        }

        PendingRequest? request;
        lock (_awaitingAnswer)
        {
            if (_awaitingAnswer.TryDequeue(out request))
            {
                _awaitingCount--;
            }
        }

        if (request is null)
        {
            throw new RleTcpConnectionException(RleTcpConnectionError.ProtocolViolation, $"The server at {Remote} sent an answer to no request.");
        }

        var status = (ResponseStatus)payload.FirstSpan[0];
        byte[] body = payload.Slice(1).ToArray();
        request.TrySetResult(new RleTcpResponse(status, body));
    }
}
