using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport.V2;

internal sealed partial class V2Session
{
    /// <summary>A request between its submission and its answer: its id, and the source that cancels it.</summary>
    private sealed class InFlight(V2Session session, uint id, byte op, string? codec, bool hasDeadline)
    {
        private readonly CancellationTokenSource _cancel = new();
        private int _reason;

        public enum StopReason
        {
            None,
            Cancel,
            Disconnect,
        }

        public uint Id => id;

        public byte Op => op;

        public string? Codec => codec;

        public bool HasDeadline => hasDeadline;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public CancellationToken Token => _cancel.Token;

        /// <summary>Cancels the work once; false when it was already stopped or finished.</summary>
        public bool Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
            {
                return false;
            }

            _cancel.Cancel();
            return true;
        }

        public void Finished(ServerResponse answer) => session.Finished(this, answer);
    }
}
