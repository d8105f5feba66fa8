using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Studies;

/// <summary>
/// The gathered results of a study: one row per run (settings, status, final losses, timings, every scalar its
/// measurements returned, and scores over the seeds of its setting such as UDR), and the plain data of the study's
/// figures. Runs that are not done keep their row with their state, and <see cref="Missing"/> names them.
/// </summary>
public sealed class StudyReport
{
    private StudyReport(StudyRecord record, IReadOnlyList<StudyAxis> axes, IReadOnlyList<string> columns, IReadOnlyList<JsonObject> rows,
        IReadOnlyList<string> metrics, IReadOnlyList<string> missing, IReadOnlyList<SettingScores> settingScores)
    {
        Record = record;
        Axes = axes;
        Columns = columns;
        Rows = rows;
        Metrics = metrics;
        Missing = missing;
        SettingScores = settingScores;
    }

    /// <summary>study.json as read when the report was built.</summary>
    public StudyRecord Record { get; }

    /// <summary>The grid axes (labels and numeric values).</summary>
    public IReadOnlyList<StudyAxis> Axes { get; }

    /// <summary>Column names, in study.csv order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>One row per run, in grid order.</summary>
    public IReadOnlyList<JsonObject> Rows { get; }

    /// <summary>Scalar columns with at least one value among done runs (the metrics the figures show).</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Runs not done, as "NAME (state)".</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Scores over the seeds of each setting (UDR).</summary>
    public IReadOnlyList<SettingScores> SettingScores { get; }

    /// <summary>Runs done.</summary>
    public int Done => Rows.Count(r => (string?)r["status"] == StudyStates.Done);

    /// <summary>
    /// Builds the report of the study in <paramref name="folder"/>. With <paramref name="settingMeasurement"/>, each
    /// setting with at least two done runs is scored over its seeds (reusing scores of an earlier report for the same
    /// runs).
    /// </summary>
    public static StudyReport Build(StudyFolder folder, ISettingMeasurement? settingMeasurement, long seed, Action<string> progress,
        CancellationToken cancellationToken)
    {
        var record = folder.Read();
        var definition = StudyFile.FromJson(record.Definition ?? new JsonObject());
        var kinds = definition.Measurements.Select(m => m.Kind).ToList();
        var axes = AxesOf(record);
        var runs = record.Runs.Select(e => (Entry: e, Run: folder.ReadRun(e))).ToList();
        bool IsDone(RunRecord? r) => r?.IsComplete(kinds) == true;

        // Setting-level scores (UDR) over the done runs of each setting.
        var scores = new List<SettingScores>();
        if (settingMeasurement is not null)
        {
            foreach (var group in runs.Where(x => IsDone(x.Run)).GroupBy(x => x.Entry.Setting))
            {
                var members = group.OrderBy(x => x.Entry.Index).ToList();
                if (members.Count < 2) continue;
                var ids = members.Select(x => x.Entry.Id).ToList();
                var cached = record.Report?.SettingScores.FirstOrDefault(s => s.Measurement == settingMeasurement.Name && s.Setting == group.Key && s.Runs.SequenceEqual(ids));
                if (cached is not null && cached.Scores.Count == ids.Count) { scores.Add(cached); continue; }
                cancellationToken.ThrowIfCancellationRequested();
                progress($"{settingMeasurement.Name} over the {ids.Count} seeds of {group.Key}");
                var values = settingMeasurement.Measure(members.Select(x => folder.RunPath(x.Entry)).ToList(), seed, cancellationToken);
                scores.Add(new SettingScores { Measurement = settingMeasurement.Name, Setting = group.Key, Runs = ids, Scores = values.ToList() });
            }
        }
        var settingScore = scores.SelectMany(s => s.Runs.Select((id, i) => (id, s.Measurement, s.Scores[i]))).ToDictionary(x => (x.id, x.Measurement), x => x.Item3);

        // Scalar names in the order the measurements come, then setting-level scores.
        var scalarNames = new List<string>();
        foreach (string kind in kinds)
            foreach (var name in runs.Where(x => x.Run is not null && x.Run.Measurements.ContainsKey(kind))
                         .SelectMany(x => x.Run!.Measurements[kind].Scalars.Keys).Distinct().Order(StringComparer.Ordinal))
                if (!scalarNames.Contains(name)) scalarNames.Add(name);
        if (settingMeasurement is not null && scores.Count > 0) scalarNames.Add(settingMeasurement.Name);

        var columns = new List<string> { "index", "run", "status", "setting" };
        columns.AddRange(axes.Where(a => !a.IsSeed).Select(a => a.Name)); // the seed has its own column
        columns.AddRange(new[] { "seed", "steps", "loss", "reconstruction", "kl", "train_seconds" });
        columns.AddRange(kinds.Select(k => $"{k}_seconds"));
        columns.AddRange(scalarNames);
        columns.AddRange(new[] { "attempts", "host", "error" });

        var rows = new List<JsonObject>();
        var missing = new List<string>();
        foreach (var (entry, run) in runs)
        {
            // A run is done when its own record says so and holds every measurement; study.json alone does not count.
            string status = IsDone(run) ? StudyStates.Done
                : run is not null ? (run.State == StudyStates.Done ? "incomplete" : run.State)
                : entry.State == StudyStates.Done ? StudyStates.Planned : entry.State;
            if (status != StudyStates.Done) missing.Add($"{entry.Id} ({status})");
            var row = new JsonObject { ["index"] = entry.Index, ["run"] = entry.Id, ["status"] = status, ["setting"] = entry.Setting };
            foreach (var a in axes.Where(a => !a.IsSeed)) row[a.Name] = entry.Values is not null && entry.Values.TryGetPropertyValue(a.Name, out var v) ? v?.DeepClone() : entry.Labels.GetValueOrDefault(a.Name);
            row["seed"] = entry.Seed;
            var last = LastLogged(Path.Combine(folder.RunPath(entry), RunFolder.MetricsFile));
            row["steps"] = last?.Step;
            row["loss"] = last?.Loss;
            row["reconstruction"] = last?.Reconstruction;
            row["kl"] = last?.Kl;
            row["train_seconds"] = run is null || run.TrainSeconds == 0 ? null : Math.Round(run.TrainSeconds, 3);
            foreach (string kind in kinds)
                row[$"{kind}_seconds"] = run is not null && run.Measurements.TryGetValue(kind, out var m) ? Math.Round(m.Seconds, 3) : null;
            foreach (string name in scalarNames)
            {
                double? value = null;
                if (run is not null)
                    foreach (string kind in kinds)
                        if (run.Measurements.TryGetValue(kind, out var m) && m.Scalars.TryGetValue(name, out double x)) { value = x; break; }
                if (value is null && settingMeasurement is not null && name == settingMeasurement.Name && settingScore.TryGetValue((entry.Id, name), out double u)) value = u;
                row[name] = value is double d && double.IsFinite(d) ? d : null;
            }
            row["attempts"] = run?.Attempts;
            row["host"] = run?.Host;
            row["error"] = status == StudyStates.Done ? null : run?.Error ?? entry.Message;
            rows.Add(row);
        }
        var metrics = scalarNames.Where(n => rows.Any(r => (string?)r["status"] == StudyStates.Done && r[n] is not null)).ToList();
        return new StudyReport(record, axes, columns, rows, metrics, missing, scores);
    }

    /// <summary>study.csv: a header row of <see cref="Columns"/>, then one row per run (invariant culture, RFC 4180 quoting).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", Columns.Select(Csv))).Append('\n');
        foreach (var row in Rows)
            text.Append(string.Join(",", Columns.Select(c => Csv(Cell(row[c]))))).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes study.csv and the report section of study.json (atomically); <paramref name="figures"/> are listed there.</summary>
    public void Write(StudyFolder folder, IReadOnlyList<string> figures)
    {
        AtomicFile.WriteAllText(folder.File(StudyFolder.TableFile), ToCsv());
        folder.Update(r => r with
        {
            Report = new StudyReportRecord
            {
                Written = DateTime.UtcNow,
                Done = Done,
                Planned = Rows.Count,
                Missing = Missing.ToList(),
                Columns = Columns.ToList(),
                Rows = Rows.Select(x => (JsonObject)x.DeepClone()).ToList(),
                SettingScores = SettingScores.ToList(),
                Figures = figures.ToList(),
            },
        });
    }

    /// <summary>Values of <paramref name="metric"/> over the done runs of each setting, settings in grid order (empty ones left out).</summary>
    public IReadOnlyList<(string Setting, double[] Values)> ValuesBySetting(string metric) =>
        Rows.Where(r => (string?)r["status"] == StudyStates.Done)
            .GroupBy(r => (string)r["setting"]!)
            .Select(g => (g.Key, g.Select(r => Number(r[metric])).Where(v => v is not null).Select(v => v!.Value).ToArray()))
            .Where(x => x.Item2.Length > 0)
            .ToList();

    /// <summary>Non-seed axes whose values are all numbers, with at least two distinct values (x axes of metric-against-hyper-parameter figures).</summary>
    public IReadOnlyList<StudyAxis> NumericAxes =>
        Axes.Where(a => !a.IsSeed && a.Numbers.All(n => n is not null) && a.Numbers.Distinct().Count() >= 2).ToList();

    /// <summary>
    /// Points (axis value, metric) of the done runs, one series per combination of the other non-seed axes (one
    /// series named "all" when there is none).
    /// </summary>
    public IReadOnlyDictionary<string, (double[] X, double[] Y)> Against(string metric, StudyAxis axis)
    {
        var others = Axes.Where(a => !a.IsSeed && a.Name != axis.Name).ToList();
        var series = new Dictionary<string, (List<double> X, List<double> Y)>(StringComparer.Ordinal);
        foreach (var row in Rows.Where(r => (string?)r["status"] == StudyStates.Done))
        {
            double? x = Number(row[axis.Name]);
            double? y = Number(row[metric]);
            if (x is null || y is null) continue;
            string name = others.Count == 0 ? "all" : string.Join(", ", others.Select(a => $"{a.ShortName}={Cell(row[a.Name])}"));
            if (!series.TryGetValue(name, out var s)) series[name] = s = (new List<double>(), new List<double>());
            s.X.Add(x.Value);
            s.Y.Add(y.Value);
        }
        return series.ToDictionary(kv => kv.Key, kv => (kv.Value.X.ToArray(), kv.Value.Y.ToArray()));
    }

    /// <summary>
    /// Spearman rank correlation between every pair of <see cref="Metrics"/> over the done runs that have both (NaN
    /// where fewer than three runs do or a metric is constant); Locatello et al. 2019 (section 5, figure 2) compare
    /// disentanglement metrics this way.
    /// </summary>
    public double[,] RankCorrelation()
    {
        var done = Rows.Where(r => (string?)r["status"] == StudyStates.Done).ToList();
        int n = Metrics.Count;
        var matrix = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var pairs = done.Select(r => (X: Number(r[Metrics[i]]), Y: Number(r[Metrics[j]]))).Where(p => p.X is not null && p.Y is not null)
                    .Select(p => (p.X!.Value, p.Y!.Value)).ToList();
                matrix[i, j] = pairs.Count >= 3 ? Spearman(pairs.Select(p => p.Item1).ToArray(), pairs.Select(p => p.Item2).ToArray()) : double.NaN;
            }
        return matrix;
    }

    /// <summary>
    /// Spearman's rank correlation (Spearman 1904): the Pearson correlation of the ranks, ties given their average
    /// rank. NaN when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Spearman needs pairs: {x.Count} x values, {y.Count} y values.");
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties sharing the average of the ranks they span.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    private static IReadOnlyList<StudyAxis> AxesOf(StudyRecord record)
    {
        // Axis order and values from the plan as recorded (labels per run, JSON values for one-path axes).
        var names = record.Runs.SelectMany(r => r.Labels.Keys).Distinct().ToList();
        var definition = record.Definition is null ? new StudyDefinition() : StudyFile.FromJson(record.Definition);
        var axes = new List<StudyAxis>();
        foreach (string name in names)
        {
            var labels = record.Runs.Select(r => r.Labels.GetValueOrDefault(name) ?? "").Distinct().ToList();
            bool isPath = record.Runs.All(r => r.Values?.ContainsKey(name) == true);
            var numbers = isPath
                ? record.Runs.Select(r => StudyFile.Numeric(r.Values![name])).Distinct().ToList()
                : labels.Select(_ => (double?)null).ToList();
            string shortName = isPath ? JsonPath.Parse(name).LastName : name;
            if (names.Count(n => (record.Runs.All(r => r.Values?.ContainsKey(n) == true) ? JsonPath.Parse(n).LastName : n) == shortName) > 1) shortName = name.Replace('.', '-');
            axes.Add(new StudyAxis(name, shortName, name == definition.SeedPath, isPath ? name : null, labels, numbers));
        }
        return axes;
    }

    private static (long Step, double? Loss, double? Reconstruction, double? Kl)? LastLogged(string path)
    {
        if (!File.Exists(path)) return null;
        string? last = null;
        foreach (string line in File.ReadLines(path))
            if (!string.IsNullOrWhiteSpace(line)) last = line;
        if (last is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(last);
            var root = doc.RootElement;
            double? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()) ? v.GetDouble() : null;
            return (root.TryGetProperty("step", out var s) ? s.GetInt64() : 0, Get("loss"), Get("reconstruction"), Get("kl"));
        }
        catch (JsonException)
        {
            return null; // a line cut by a crash: no losses for this run
        }
    }

    private static double? Number(JsonNode? node) => StudyFile.Numeric(node);

    private static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static string Csv(string cell) =>
        cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
