using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>
/// Samples this process's allocations by type from the runtime's GCAllocationTick events (one about every 100 KB
/// allocated, naming the type that crossed the threshold), to see which objects dominate. The listener allocates
/// itself, so totals measured while it runs are inflated: use it to rank types, not for the figure.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _enabled;

    /// <summary>Starts counting.</summary>
    public void Enable() => _enabled = true;

    /// <summary>Forgets what was counted so far (to rank a second workload on its own).</summary>
    public void Reset() => _bytes.Clear();

    /// <summary>The sampled types, most bytes first.</summary>
    public IEnumerable<(string Type, long Bytes)> Top(int count) =>
        _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value));

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_enabled || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        int typeIndex = eventData.PayloadNames!.IndexOf("TypeName");
        int amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        string type = typeIndex >= 0 ? eventData.Payload[typeIndex]?.ToString() ?? "?" : "?";
        long amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 0;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
