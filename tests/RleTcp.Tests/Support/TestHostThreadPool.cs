using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RleTcp.Tests.Support;

/// <summary>
/// Gives the test host's thread pool one thread more than the runtime's minimum (the core count) before any test runs.
/// </summary>
/// <remarks>
/// VSTest's message loop (<c>TcpClientExtensions.MessageLoopAsync</c>) holds one pool thread for the whole run in a
/// blocking <c>Socket.Poll</c> (seen with dotnet-stack). On a 2-core machine, the in-process servers of the socket
/// tests and their clients were left with a single pool thread. When that thread was held, every connection stalled
/// until the pool injected another thread. <c>FairnessTests</c>, run alone on a quiet machine, failed about half the
/// time because of this: once per run, every light request stalled for 750-1,000 ms while the executor's workers were
/// idle. It passed 10 of 10 runs with one more minimum thread. A server process has no such thread. What held the
/// remaining thread at that moment was not identified.
/// </remarks>
internal static class TestHostThreadPool
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "A test assembly: the test host's pool is configured once, before any test.")]
    internal static void ReserveOneMoreThread()
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(workers + 1, completionPorts);
    }
}
