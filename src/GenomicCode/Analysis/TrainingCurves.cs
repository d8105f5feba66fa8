using System.Text.Json;

namespace GenomicCode.Analysis;

/// <summary>Reads the scalar series of a run's metrics.jsonl (loss, reconstruction, kl, regulariser terms) as plain arrays.</summary>
public static class TrainingCurves
{
    /// <summary>
    /// Every numeric field of every line, keyed by field name, against the step; lines cut short are skipped. Array
    /// fields (kl_per_dimension) become one series per element, named <c>field[i]</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, (double[] Steps, double[] Values)> Read(string metricsPath)
    {
        var series = new SortedDictionary<string, (List<double> X, List<double> Y)>(StringComparer.Ordinal);
        if (!File.Exists(metricsPath)) return new Dictionary<string, (double[], double[])>();
        foreach (string line in File.ReadLines(metricsPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException) { continue; }
            using (doc)
            {
                if (!doc.RootElement.TryGetProperty("step", out var stepElement) || !stepElement.TryGetDouble(out double step)) continue;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Name == "step") continue;
                    if (p.Value.ValueKind == JsonValueKind.Number) Add(series, p.Name, step, p.Value.GetDouble());
                    else if (p.Value.ValueKind == JsonValueKind.Array)
                    {
                        int i = 0;
                        foreach (var e in p.Value.EnumerateArray())
                        {
                            if (e.ValueKind == JsonValueKind.Number) Add(series, $"{p.Name}[{i}]", step, e.GetDouble());
                            i++;
                        }
                    }
                }
            }
        }
        return series.ToDictionary(kv => kv.Key, kv => (kv.Value.X.ToArray(), kv.Value.Y.ToArray()));
    }

    private static void Add(SortedDictionary<string, (List<double> X, List<double> Y)> s, string name, double x, double y)
    {
        if (!s.TryGetValue(name, out var lists)) s[name] = lists = (new List<double>(), new List<double>());
        lists.X.Add(x);
        lists.Y.Add(y);
    }
}
