using System.Diagnostics;

namespace RleTcp.Client;

public sealed partial class RleTcpClient
{
    /// <summary>
    /// Declares the connection dead (the first reason wins), closes the socket so both loops stop, and fails every
    /// request that was written and not answered. Requests still in the outbox are failed by the send loop.
    /// </summary>
    private void Fail(RleTcpConnectionException reason)
    {
        PendingRequest[] orphans;
        lock (_awaitingAnswer)
        {
            if (_failure is not null)
            {
                return;
            }

            Volatile.Write(ref _failure, reason);
            orphans = [.. _awaitingAnswer, .. _byId.Values];
            _awaitingAnswer.Clear();
            _byId.Clear();
            _awaitingCount = 0;
        }

        _outbox.Writer.TryComplete();
        _dead.Cancel();
        _watchdog?.Dispose();
        _socket.Dispose();
        foreach (PendingRequest orphan in orphans)
        {
            orphan.TrySetException(CopyOfFailure());
        }
    }

    // One exception object per failed request: an exception thrown from several awaits at once would have its
    // stack trace rewritten by each of them.
    private RleTcpConnectionException CopyOfFailure()
    {
        RleTcpConnectionException reason = Volatile.Read(ref _failure)
            ?? new RleTcpConnectionException(RleTcpConnectionError.Disposed, $"The client for {Remote} is closing.");
        return new RleTcpConnectionException(reason.Error, reason.Message, reason.InnerException);
    }

    private RleTcpConnectionException FailureForNewRequest() =>
        Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _failure) is { } reason
            ? new RleTcpConnectionException(reason.Error, $"The connection is no longer usable. {reason.Message}", reason.InnerException)
            : new RleTcpConnectionException(RleTcpConnectionError.Disposed, $"The client for {Remote} is disposed.");

    /// <summary>
    /// A request unanswered past the server's own limits means the server is stuck: fail the connection. (v1 answers
    /// come in order, so the oldest is the first in the queue; v2's are looked through, at most HELLO's in-flight cap.)
    /// </summary>
    private void CheckOldestRequest()
    {
        long sentAt = long.MaxValue;
        lock (_awaitingAnswer)
        {
            if (_failure is not null)
            {
                return;
            }

            if (_awaitingAnswer.TryPeek(out PendingRequest? oldest))
            {
                sentAt = oldest.SentTimestamp;
            }

            foreach (PendingRequest request in _byId.Values)
            {
                sentAt = Math.Min(sentAt, request.SentTimestamp);
            }

            if (sentAt == long.MaxValue)
            {
                return;
            }
        }

        if (Stopwatch.GetElapsedTime(sentAt) > _options.RequestTimeout)
        {
            Fail(new RleTcpConnectionException(
                RleTcpConnectionError.RequestTimeout,
                $"No answer from {Remote} within {_options.RequestTimeout.TotalSeconds:0.###} s; the connection was closed."));
        }
    }
}
