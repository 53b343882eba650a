using System.Runtime.ExceptionServices;
using RleTcp.Imaging;

namespace RleTcp.Tests.Support;

// Stand-ins for IIntakeHelpers in the intake's two-sided pipelines (PngPipelineTests, JpegRowPipelineTests): whoever
// runs which side, in which order, early, late or on the caller alone.

// Index 1 on a thread of its own (started after startDelayMs) while the caller runs index 0, as the executor's
// idle worker would; idle: what HasIdleHelper says.
internal sealed class ThreadHelpers(bool idle, int startDelayMs = 0, Action? whenStarted = null) : IIntakeHelpers
{
    public bool HasIdleHelper => idle;

    public void Run(int count, Action<int> work, CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo? failure = null;
        var others = new List<Thread>();
        for (int i = 1; i < count; i++)
        {
            int index = i;
            var thread = new Thread(() =>
            {
                try
                {
                    if (startDelayMs > 0)
                    {
                        Thread.Sleep(startDelayMs);
                    }

                    work(index);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                }
            });
            thread.Start();
            others.Add(thread);
        }

        whenStarted?.Invoke();
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
        }

        others.ForEach(t => t.Join());
        failure?.Throw();
    }
}

// Every index on the caller, one after the other: no helper ever joins (whatever HasIdleHelper said).
internal sealed class InlineHelpers(bool reverse, bool idle, Action? afterFirst = null) : IIntakeHelpers
{
    public bool HasIdleHelper => idle;

    public void Run(int count, Action<int> work, CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo? failure = null;
        for (int i = 0; i < count; i++)
        {
            try
            {
                work(reverse ? count - 1 - i : i);
            }
            catch (Exception e)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
            }

            if (i == 0)
            {
                afterFirst?.Invoke();
            }
        }

        failure?.Throw();
    }
}
