using System.Text.Json;

namespace GenomicCode.Notebooks.Runner;

/// <summary>What one runner process did, as written to its --result file.</summary>
/// <param name="Notebook">The notebook's file name.</param>
/// <param name="Cells">The code cells that ran to the end, in order.</param>
/// <param name="Error">The first failing cell's message (notebook, cell number, error), or null when every cell ran.</param>
/// <param name="Libtorch">The paths libtorch_cpu.so was mapped from in the runner process (Linux), or empty.</param>
public sealed record RunnerResult(string Notebook, IReadOnlyList<CellRun> Cells, string? Error, IReadOnlyList<string> Libtorch)
{
    /// <summary>The JSON settings both sides use.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = true };

    /// <summary>Reads a result file written by the runner.</summary>
    public static RunnerResult Read(string path) =>
        JsonSerializer.Deserialize<RunnerResult>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no runner result");
}

/// <summary>Native libraries mapped into this process.</summary>
public static class NativeLibraries
{
    /// <summary>The distinct paths of mapped files named <paramref name="fileName"/> (from /proc/self/maps; empty elsewhere).</summary>
    public static IReadOnlyList<string> Mapped(string fileName) => OperatingSystem.IsLinux()
        ? File.ReadLines("/proc/self/maps").Where(l => l.EndsWith("/" + fileName, StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('/')..]).Distinct().ToArray()
        : [];
}
