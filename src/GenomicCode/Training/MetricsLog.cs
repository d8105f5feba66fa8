using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;

namespace GenomicCode.Training;

/// <summary>
/// Appends one JSON object per logged step to metrics.jsonl; on resume it first drops lines past the checkpoint's step,
/// so the curve never holds steps that were trained twice.
/// </summary>
public sealed class MetricsLog : ITrainingCallback, IDisposable
{
    private readonly StreamWriter writer;
    private readonly string path;
    private readonly long every;
    private readonly DateTime started = DateTime.UtcNow;

    // One compact line per record; the explicit resolver keeps it working where reflection JSON is off by default.
    private static readonly JsonSerializerOptions LineJson = new() { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    /// <summary>Opens <paramref name="path"/> for appending, keeping only lines with step &lt;= <paramref name="keepUpToStep"/>.</summary>
    public MetricsLog(string path, long every, long keepUpToStep)
    {
        this.every = every;
        this.path = path;
        if (File.Exists(path))
        {
            var kept = ReadSteps(path).Where(l => l.Step <= keepUpToStep).Select(l => l.Line).ToList();
            AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
        }
        try { writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true }; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw AtomicFile.Failure(path, e); }
    }

    /// <inheritdoc />
    public void OnStep(Trainer trainer, StepMetrics m)
    {
        if (m.Step % every != 0 && m.Step != trainer.Options.Steps) return;
        var record = new Dictionary<string, object>
        {
            ["step"] = m.Step,
            ["loss"] = m.Loss,
            ["reconstruction"] = m.Reconstruction,
            ["kl"] = m.Kl,
            ["grad_norm"] = m.GradNorm,
            ["step_seconds"] = m.StepSeconds,
            ["elapsed_seconds"] = (DateTime.UtcNow - started).TotalSeconds,
            ["kl_per_dimension"] = m.KlPerDimension,
        };
        foreach (var (k, v) in m.Terms) record[k] = v;
        // A line cut by a full disk is dropped by the reader (as one cut by a kill); the failure is one line.
        try { writer.WriteLine(JsonSerializer.Serialize(record, LineJson)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw AtomicFile.Failure(path, e); }
    }

    /// <summary>Reads (step, loss) pairs from a metrics.jsonl file, for curves and checks.</summary>
    public static IReadOnlyList<(long Step, double Loss)> ReadLoss(string path) =>
        ReadSteps(path).Select(l =>
        {
            using var doc = JsonDocument.Parse(l.Line);
            return (l.Step, doc.RootElement.GetProperty("loss").GetDouble());
        }).ToList();

    private static IEnumerable<(long Step, string Line)> ReadSteps(string path)
    {
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            long step;
            try
            {
                using var doc = JsonDocument.Parse(line);
                step = doc.RootElement.GetProperty("step").GetInt64();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                continue; // a line cut by a kill mid-write: drop it
            }
            yield return (step, line);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try { writer.Dispose(); }
        catch (IOException) { } // the failure of the last write was already reported
    }

    internal static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
