using System.Buffers;
using RleTcp.Protocol.V2;
using RleTcp.Server.Diagnostics;
using RleTcp.Server.Execution;
using RleTcp.Server.Transport.V2;

namespace RleTcp.Server.Transport;

/// <summary>
/// Protocol v2 on a connection (docs/PROTOCOL.md, "Version 2"): the first frame decides. A HELLO (when the server allows
/// v2) starts a <see cref="V2Session"/>, and every later frame goes to it instead of the v1 executor path; the framing,
/// deadlines, budget and writer stay v1's. v2 answers join the writer's channel only once ready, so they leave in
/// completion order.
/// </summary>
internal sealed partial class RleTcpConnection
{
    private bool _firstFrameSeen;
    private V2Session? _v2;
    private byte[]? _discardHead;
    private int _discardHeadFilled;

    // Called when a frame is complete: true when v2 took it (the first-frame HELLO, or any frame once v2 is on).
    private async ValueTask<bool> TryCompleteV2FrameAsync()
    {
        bool first = !_firstFrameSeen;
        _firstFrameSeen = true;
        if (_v2 is not null)
        {
            PooledPayload? payload = _state == ReadState.Payload ? _payload : null;
            _payload = null;
            _state = ReadState.Header;
            _frameStarted = false;
            await AcceptV2Async(payload).ConfigureAwait(false);
            return true;
        }

        if (!first || _state != ReadState.Payload || !_options.EnableProtocolV2 || !IsHello(_payload!.Memory.Span))
        {
            return false;
        }

        _payload.Dispose();
        _payload = null;
        _state = ReadState.Header;
        _frameStarted = false;
        _v2 = new V2Session(_id, _options, _services.Executor, _source, _services.Metrics, _logger, DeliverV2);
        await _v2.AcquireSlotAsync(_abort.Token).ConfigureAwait(false);
        await EnqueueAsync(Task.FromResult(_v2.Hello())).ConfigureAwait(false);
        return true;
    }

    // A HELLO from a client that speaks v2 or later; an older version byte is an ordinary (invalid) v1 image.
    private static bool IsHello(ReadOnlySpan<byte> payload) =>
        V2Wire.IsHello(payload) && payload[V2Wire.HelloMagic.Length] >= V2Wire.Version;

    // One v2 frame (null payload: empty, or dropped for the budget). Waits for answer room first, so a client that does
    // not read its answers stops being read from, as in v1.
    private async ValueTask AcceptV2Async(PooledPayload? payload)
    {
        V2Session v2 = _v2!;
        try
        {
            await v2.AcquireSlotAsync(_abort.Token).ConfigureAwait(false);
        }
        catch
        {
            payload?.Dispose();
            throw;
        }

        _requests++;
        Interlocked.Increment(ref _outstanding);
        ServerResponse? now;
        if (payload is not null)
        {
            now = v2.Accept(payload);
        }
        else if (_discardHead is not null && _discardHeadFilled > 0)
        {
            _services.Metrics.Busy(RleTcpMetrics.BusyReason.BufferBudget);
            now = v2.OverBudget(_discardHead.AsSpan(0, _discardHeadFilled));
            _discardHeadFilled = 0;
        }
        else
        {
            now = v2.EmptyFrame();
        }

        if (now is not null && !DeliverV2(Task.FromResult(now)))
        {
            now.Dispose();
        }
    }

    // Queues a finished v2 answer (a completed task) without waiting: the slot taken for its request guarantees the
    // channel has room. Called by the read loop and by the session's completions (with the executor's own task, so no
    // task is made per answer). False when the connection is closing: the caller disposes the answer.
    private bool DeliverV2(Task<ServerResponse> answer)
    {
        if (_pending.Writer.TryWrite(answer))
        {
            return true;
        }

        Interlocked.Decrement(ref _outstanding);
        _v2!.ReleaseSlot();
        return false;
    }

    // Connection-level answers (FrameTooLarge, a frame Timeout) carry a v2 head on a v2 connection.
    private ServerResponse ForProtocol(ServerResponse answer) => _v2 is null ? answer : V2Session.ConnectionLevel(answer);

    // A frame dropped for the budget still gets a Busy answer with its id: keep the first bytes of what is discarded.
    private void BeginDiscardHead()
    {
        if (_v2 is not null)
        {
            _discardHead ??= new byte[V2Wire.RequestHeadSize];
            _discardHeadFilled = 0;
        }
    }

    private void KeepDiscardHead(ReadOnlySequence<byte> dropped)
    {
        if (_v2 is not null && _discardHeadFilled < _discardHead!.Length)
        {
            int keep = (int)Math.Min(dropped.Length, _discardHead.Length - _discardHeadFilled);
            dropped.Slice(0, keep).CopyTo(_discardHead.AsSpan(_discardHeadFilled));
            _discardHeadFilled += keep;
        }
    }

    // Before the writer's channel closes: v2 answers join it only when ready, so wait for those still computing.
    // A half-close or a server shutdown answers them; any other end stops them at their next row or band.
    private async ValueTask DrainV2Async(ConnectionEnd end)
    {
        if (_v2 is null)
        {
            return;
        }

        if (end is not ConnectionEnd.PeerClosed and not ConnectionEnd.ServerStopping || _peerGone)
        {
            _v2.CancelAll();
        }

        await _v2.WhenIdleAsync().ConfigureAwait(false);
    }
}
