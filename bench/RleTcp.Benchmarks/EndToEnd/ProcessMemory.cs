namespace RleTcp.Benchmarks.EndToEnd;

/// <summary>Reads a process's resident set size from Linux's <c>/proc/PID/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS of process <paramref name="pid"/>, in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024; // the unit is kB
            }
        }

        throw new InvalidDataException($"/proc/{pid}/status has no VmRSS line.");
    }
}
