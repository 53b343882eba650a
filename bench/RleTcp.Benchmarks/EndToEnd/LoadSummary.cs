using System.Text.Json;

namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>The figures of one <c>rletcp load --json</c> run that the table uses.</summary>
/// <param name="Requests">Requests answered or failed.</param>
/// <param name="Failed">Requests that failed (any error kind).</param>
/// <param name="RequestsPerSecond">Requests per second over the run.</param>
/// <param name="MeanMs">Mean latency.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P99Ms">99th percentile latency.</param>
/// <param name="Errors">The error counts by kind, as the tool printed them ("" when none).</param>
public sealed record LoadSummary(long Requests, long Failed, double RequestsPerSecond, double MeanMs, double P50Ms, double P99Ms, string Errors)
{
    /// <summary>Reads the JSON document <c>rletcp load --json</c> prints.</summary>
    public static LoadSummary Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        JsonElement latency = root.GetProperty("latencyMs");
        string errors = root.TryGetProperty("errors", out JsonElement e) && e.ValueKind == JsonValueKind.Object
            ? string.Join(", ", e.EnumerateObject().Select(p => $"{p.Name}={p.Value}"))
            : "";
        return new LoadSummary(
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("failed").GetInt64(),
            root.GetProperty("requestsPerSecond").GetDouble(),
            latency.GetProperty("mean").GetDouble(),
            latency.GetProperty("p50").GetDouble(),
            latency.GetProperty("p99").GetDouble(),
            errors);
    }
}
