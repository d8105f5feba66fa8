using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Studies;

/// <summary>
/// Reads and checks study files. Every problem is one <see cref="UserInputException"/> line naming the file, the line
/// and the field: malformed JSON, unknown fields, an unknown preset, a grid value the preset rejects, an unknown
/// measurement kind (the known ones are listed) or a bad measurement option such as an unknown metric.
/// </summary>
public static partial class StudyFile
{
    /// <summary>Most runs a study may expand to.</summary>
    public const int MaxRuns = 100_000;

    /// <summary>The JSON path of the training steps, set by <see cref="StudyDefinition.Steps"/>.</summary>
    public const string StepsPath = "training.steps";

    /// <summary>Reads and checks the study file at <paramref name="path"/>; measurement kinds are those of <paramref name="measurements"/>.</summary>
    public static Study Load(string path, IReadOnlyCollection<IRunMeasurement> measurements)
    {
        Guard.NotEmpty(path);
        if (Directory.Exists(path)) throw new UserInputException($"'{path}' is a folder; give a study file (.json).");
        if (!File.Exists(path)) throw new UserInputException($"study file '{path}' does not exist.");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read study file '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", measurements);
    }

    /// <summary>
    /// Parses and checks study JSON from <paramref name="source"/> (named in errors); relative preset paths start at
    /// <paramref name="baseDirectory"/>.
    /// </summary>
    public static Study Parse(string json, string source, string baseDirectory, IReadOnlyCollection<IRunMeasurement> measurements)
    {
        var map = JsonSourceMap.Build(json);
        StudyDefinition definition;
        try
        {
            definition = JsonSerializer.Deserialize<StudyDefinition>(json, JsonSettings.Default)
                ?? throw new UserInputException($"{source}: the file is empty or 'null'; expected a study object.");
        }
        catch (JsonException e)
        {
            throw JsonSettings.Malformed(e, source, "study");
        }
        return new Checker(source, map, baseDirectory, measurements).Check(definition);
    }

    /// <summary>The study definition as indented JSON (the form study.json records).</summary>
    public static JsonNode ToJson(StudyDefinition definition) => JsonSerializer.SerializeToNode(definition, JsonSettings.Default)!;

    /// <summary>Reads a definition back from <see cref="ToJson"/>'s form.</summary>
    public static StudyDefinition FromJson(JsonNode node) =>
        node.Deserialize<StudyDefinition>(JsonSettings.Default) ?? throw new UserInputException("study record holds no study definition.");

    /// <summary>
    /// Checks a preset given as JSON: deserialised with the preset rules and validated. Errors name the preset field.
    /// </summary>
    public static Preset ToPreset(JsonObject json)
    {
        try
        {
            var preset = Preset.FromJson(json);
            return preset.Validate();
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"field '{e.Path.TrimStart('$', '.')}': ";
            throw new UserInputException($"{field}{JsonSettings.Reason(e)}");
        }
    }

    /// <summary>The first problem with Slurm options, as (field, message); null when they are fine.</summary>
    public static (string Field, string Message)? SlurmProblem(SlurmOptions s)
    {
        if (s.Partition is string p && !Regex.IsMatch(p, "^[A-Za-z0-9_.,-]+$")) return ("partition", $"'{p}' is not a partition name.");
        if (s.Account is string acc && !Regex.IsMatch(acc, "^[A-Za-z0-9_.-]+$")) return ("account", $"'{acc}' is not an account name.");
        if (s.Time is string t && !SlurmTime().IsMatch(t)) return ("time", $"'{t}' is not a Slurm time; write minutes, HH:MM:SS or D-HH:MM:SS.");
        if (s.Memory is string mem && !SlurmMemory().IsMatch(mem)) return ("memory", $"'{mem}' is not a Slurm memory size; write e.g. 4G or 4000M.");
        if (s.CpusPerTask is < 1 or > 4096) return ("cpusPerTask", $"cpusPerTask must be in [1, 4096], got {s.CpusPerTask}.");
        if (s.Gpus is < 0 or > 64) return ("gpus", $"gpus must be in [0, 64], got {s.Gpus}.");
        if (s.MaxConcurrent is < 1) return ("maxConcurrent", $"maxConcurrent must be >= 1, got {s.MaxConcurrent}.");
        if (s.MaxResubmits is < 0 or > 100) return ("maxResubmits", $"maxResubmits must be in [0, 100], got {s.MaxResubmits}.");
        return null;
    }

    /// <summary>A value as a short label: strings bare, numbers and booleans as written, objects as compact JSON.</summary>
    public static string Label(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    /// <summary>A label as a number, when it is one.</summary>
    public static double? Numeric(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"^(\d+-)?\d+(:\d+){0,2}$")]
    private static partial Regex SlurmTime();

    [GeneratedRegex(@"^\d+[KMGTkmgt]?$")]
    private static partial Regex SlurmMemory();

    [GeneratedRegex("[^A-Za-z0-9.+-]+")]
    private static partial Regex UnsafeIdChars();

    /// <summary>A name part safe in folder names and Slurm paths: runs of other characters become one '-'.</summary>
    private static string Safe(string text)
    {
        string safe = UnsafeIdChars().Replace(text, "-").Trim('-');
        return safe.Length == 0 ? "x" : safe;
    }

    private sealed class Checker(string source, JsonSourceMap map, string baseDirectory, IReadOnlyCollection<IRunMeasurement> measurements)
    {
        private UserInputException Fail(string field, string message)
        {
            int? line = map.LineOf(field);
            string where = line is int l ? $"line {l}, " : "";
            return new UserInputException($"{source}: {where}field '{field}': {message.ReplaceLineEndings(" ")}");
        }

        internal Study Check(StudyDefinition d)
        {
            if (string.IsNullOrWhiteSpace(d.Name)) throw Fail("name", "a study needs a name (letters, digits, '.', '-', '_'); it names the study folder.");
            if (!SafeName().IsMatch(d.Name) || d.Name.Trim('.').Length == 0)
                throw Fail("name", $"'{d.Name}' is not a folder-safe name; use letters, digits, '.', '-' and '_'.");
            if (string.IsNullOrWhiteSpace(d.Preset)) throw Fail("preset", "a study needs a base preset: a shipped preset name (see `genomic-code presets`) or a path to a preset file.");
            if (d.Steps is < 1) throw Fail("steps", $"steps must be a positive whole number, got {d.Steps}.");
            JsonPath seedPath = ParsePath(d.SeedPath, "seedPath");

            // The base preset, then the fixed changes and the steps.
            string presetRef = d.Preset;
            bool looksLikePath = presetRef.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || presetRef.Contains('/') || presetRef.Contains('\\');
            if (looksLikePath && !Path.IsPathRooted(presetRef)) presetRef = Path.GetFullPath(Path.Combine(baseDirectory, presetRef));
            Preset basePreset;
            try { basePreset = PresetCatalog.Load(presetRef); }
            catch (UserInputException e) { throw Fail("preset", e.Message); }
            if (basePreset.IsGrowingNca)
                throw Fail("preset", $"'{d.Preset}' is a Growing NCA preset; studies train genome VAE presets (train it with `genomic-code train --preset {d.Preset}`).");
            var baseJson = (JsonObject)JsonNode.Parse(basePreset.ToJson())!;
            if (d.Set is not null)
                foreach (var (key, value) in d.Set)
                {
                    var path = ParsePath(key, $"set.{key}");
                    Apply(baseJson, path, value, $"set.{key}");
                }
            if (d.Steps is long steps) Apply(baseJson, JsonPath.Parse(StepsPath), JsonValue.Create(steps), "steps");
            Validated(baseJson, "preset", "the base preset with 'set' and 'steps' applied");

            var axes = CheckAxes(d, seedPath, baseJson);
            CheckMeasurements(d);
            CheckSlurm(d.Slurm);

            long count = axes.Aggregate(1L, (n, a) => n * a.Choices.Count);
            if (count > MaxRuns) throw Fail("grid", $"the grid expands to {count} runs; at most {MaxRuns} are allowed. Split the study.");
            var runs = Expand(d, axes, baseJson, seedPath);
            var studyAxes = axes.Select(a => new StudyAxis(a.Name, a.ShortName, a.IsSeed, a.Path?.Text,
                a.Choices.Select(c => c.Label).ToArray(), a.Choices.Select(c => c.Number).ToArray())).ToArray();
            return new Study(d, source, presetRef, baseJson, studyAxes, runs);
        }

        private JsonPath ParsePath(string? text, string field)
        {
            try { return JsonPath.Parse(text); }
            catch (UserInputException e) { throw Fail(field, e.Message); }
        }

        private void Apply(JsonObject root, JsonPath path, JsonNode? value, string field)
        {
            try { path.Set(root, value); }
            catch (UserInputException e) { throw Fail(field, e.Message); }
        }

        private Preset Validated(JsonObject json, string field, string what)
        {
            try { return ToPreset(json); }
            catch (UserInputException e) { throw Fail(field, $"{what} is not a valid preset: {e.Message}"); }
        }

        private List<Axis> CheckAxes(StudyDefinition d, JsonPath seedPath, JsonObject baseJson)
        {
            var axes = new List<Axis>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < d.Grid.Count; i++)
            {
                var a = d.Grid[i];
                string f = $"grid[{i}]";
                if (a is null) throw Fail(f, "a grid axis must be an object with 'path' and 'values', or 'name' and 'cases'.");
                bool byPath = a.Path is not null || a.Values is not null;
                bool byCases = a.Name is not null || a.Cases is not null;
                if (byPath == byCases)
                    throw Fail(f, "a grid axis has either 'path' and 'values' (one JSON path) or 'name' and 'cases' (several paths per case), not both or neither.");
                if (byPath)
                {
                    var path = ParsePath(a.Path, $"{f}.path");
                    if (a.Values is null || a.Values.Count == 0) throw Fail($"{f}.values", $"axis '{path}' needs at least one value.");
                    var choices = new List<Choice>();
                    for (int j = 0; j < a.Values.Count; j++)
                    {
                        var values = new JsonObject { [path.Text] = a.Values[j]?.DeepClone() };
                        var choice = new Choice(Label(a.Values[j]), values, Numeric(a.Values[j]), $"{f}.values[{j}]");
                        CheckAlone(baseJson, choice, $"'{path}' = {Label(a.Values[j])}");
                        choices.Add(choice);
                    }
                    if (!seen.Add(path.Text)) throw Fail($"{f}.path", $"path '{path}' is on two axes; put all its values on one.");
                    axes.Add(new Axis(path.Text, path.LastName, path.Text == seedPath.Text, path, choices));
                }
                else
                {
                    if (string.IsNullOrWhiteSpace(a.Name)) throw Fail($"{f}.name", "an axis with cases needs a name (its column in the study table).");
                    if (a.Cases is null || a.Cases.Count == 0) throw Fail($"{f}.cases", $"axis '{a.Name}' needs at least one case.");
                    var choices = new List<Choice>();
                    for (int j = 0; j < a.Cases.Count; j++)
                    {
                        var c = a.Cases[j];
                        string cf = $"{f}.cases[{j}]";
                        if (c?.Set is null || c.Set.Count == 0) throw Fail(cf, "a case needs 'set': JSON paths and their values.");
                        var values = new JsonObject();
                        foreach (var (key, value) in c.Set)
                        {
                            var path = ParsePath(key, $"{cf}.set.{key}");
                            values[path.Text] = value?.DeepClone();
                        }
                        string label = string.IsNullOrWhiteSpace(c.Label)
                            ? string.Join(",", values.Select(kv => $"{JsonPath.Parse(kv.Key).LastName}={Label(kv.Value)}"))
                            : c.Label.Trim();
                        var choice = new Choice(label, values, null, cf);
                        CheckAlone(baseJson, choice, $"case '{label}'");
                        choices.Add(choice);
                    }
                    if (choices.Select(c => c.Label).Distinct(StringComparer.Ordinal).Count() != choices.Count)
                        throw Fail($"{f}.cases", $"the cases of axis '{a.Name}' need distinct labels.");
                    if (!seen.Add(a.Name)) throw Fail($"{f}.name", $"two axes are named '{a.Name}'.");
                    axes.Add(new Axis(a.Name.Trim(), a.Name.Trim(), false, null, choices));
                }
            }
            if (d.Seeds is not null)
            {
                if (seen.Contains(seedPath.Text)) throw Fail("seeds", $"'seeds' and a grid axis on '{seedPath}' both set the seed; keep one.");
                var seeds = SeedValues(d.Seeds);
                var choices = seeds.Select((s, j) => new Choice(s.ToString(CultureInfo.InvariantCulture),
                    new JsonObject { [seedPath.Text] = s }, s, "seeds")).ToList();
                foreach (var c in choices.Take(1)) CheckAlone(baseJson, c, $"'{seedPath}' = {c.Label}");
                axes.Add(new Axis(seedPath.Text, seedPath.LastName, true, seedPath, choices));
            }
            // Short names (run names, figure labels) are last path segments unless two axes share one.
            var clash = axes.GroupBy(a => a.ShortName, StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
            return axes.Select(a => clash.Contains(a) ? a with { ShortName = a.Name.Replace('.', '-') } : a).ToList();
        }

        private List<long> SeedValues(JsonNode node)
        {
            if (node is JsonValue v && v.TryGetValue(out long n))
            {
                if (n < 1 || n > MaxRuns) throw Fail("seeds", $"seeds must be a count in [1, {MaxRuns}] or a list of seeds, got {n}.");
                return Enumerable.Range(0, (int)n).Select(i => (long)i).ToList();
            }
            if (node is JsonArray a && a.Count > 0)
            {
                var list = new List<long>();
                foreach (var item in a)
                {
                    if (item is not JsonValue iv || !iv.TryGetValue(out long s)) throw Fail("seeds", "seeds must be whole numbers.");
                    list.Add(s);
                }
                if (list.Distinct().Count() != list.Count) throw Fail("seeds", "seeds must be distinct.");
                return list;
            }
            throw Fail("seeds", "seeds must be a count N (seeds 0..N-1) or a non-empty list of whole numbers.");
        }

        /// <summary>One axis value applied alone to the base preset must give a valid preset; the error names that value.</summary>
        private void CheckAlone(JsonObject baseJson, Choice choice, string what)
        {
            var json = (JsonObject)baseJson.DeepClone();
            foreach (var (key, value) in choice.Values) Apply(json, JsonPath.Parse(key), value, choice.Field);
            try { ToPreset(json); }
            catch (UserInputException e) { throw Fail(choice.Field, $"{what} gives an invalid preset: {e.Message}"); }
        }

        private void CheckMeasurements(StudyDefinition d)
        {
            var known = measurements.ToDictionary(m => m.Kind, StringComparer.Ordinal);
            string list = string.Join(", ", measurements.Select(m => m.Kind));
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < d.Measurements.Count; i++)
            {
                var m = d.Measurements[i];
                string f = $"measurements[{i}]";
                if (m is null || string.IsNullOrWhiteSpace(m.Kind)) throw Fail(f, $"a measurement needs a 'kind'; known: {list}.");
                if (!known.TryGetValue(m.Kind, out var measurement)) throw Fail($"{f}.kind", $"unknown measurement '{m.Kind}'; known: {list}.");
                if (!kinds.Add(m.Kind)) throw Fail($"{f}.kind", $"measurement '{m.Kind}' appears twice; give it once with all its options.");
                try { measurement.Validate(m.Options); }
                catch (UserInputException e) { throw Fail(m.Options is null ? f : $"{f}.options", e.Message); }
            }
        }

        private void CheckSlurm(SlurmOptions? s)
        {
            if (s is not null && SlurmProblem(s) is ({ } field, { } message)) throw Fail($"slurm.{field}", message);
        }

        private List<PlannedRun> Expand(StudyDefinition d, List<Axis> axes, JsonObject baseJson, JsonPath seedPath)
        {
            var runs = new List<PlannedRun>();
            int total = axes.Aggregate(1, (n, a) => n * a.Choices.Count);
            int width = Math.Max(3, (total - 1).ToString(CultureInfo.InvariantCulture).Length);
            var pick = new int[axes.Count];
            for (int index = 0; index < total; index++)
            {
                // Mixed-radix digits of the index, the last axis fastest.
                int rest = index;
                for (int k = axes.Count - 1; k >= 0; k--)
                {
                    pick[k] = rest % axes[k].Choices.Count;
                    rest /= axes[k].Choices.Count;
                }
                var json = (JsonObject)baseJson.DeepClone();
                var labels = new List<KeyValuePair<string, string>>();
                var values = new JsonObject();
                for (int k = 0; k < axes.Count; k++)
                {
                    var choice = axes[k].Choices[pick[k]];
                    foreach (var (key, value) in choice.Values)
                    {
                        Apply(json, JsonPath.Parse(key), value, choice.Field);
                        values[key] = value?.DeepClone();
                    }
                    labels.Add(new(axes[k].Name, choice.Label));
                }
                string id = index.ToString("D" + width, CultureInfo.InvariantCulture);
                var parts = axes.Select((a, k) => $"{a.ShortName}={labels[k].Value}").ToList();
                if (parts.Count > 0)
                {
                    string tail = string.Join("_", axes.Select((a, k) => $"{Safe(a.ShortName)}={Safe(labels[k].Value)}"));
                    if (tail.Length > 80) tail = tail[..80].TrimEnd('-', '_', '=');
                    id += "_" + tail;
                }
                if (json.ContainsKey("name")) json["name"] = $"{d.Name}-{id}";
                Preset preset;
                try { preset = ToPreset(json); }
                catch (UserInputException e)
                {
                    throw Fail("grid", $"run {id} ({string.Join(", ", parts)}) is not a valid preset: {e.Message}");
                }
                string setting = string.Join(", ", axes.Select((a, k) => (a, k)).Where(x => !x.a.IsSeed).Select(x => $"{x.a.ShortName}={labels[x.k].Value}"));
                long seed = seedPath.TryGet(JsonNode.Parse(preset.ToJson()), out var s) && s is JsonValue sv && sv.TryGetValue(out long sl) ? sl : 0;
                runs.Add(new PlannedRun(index, id, labels, values, setting.Length == 0 ? "all" : setting, seed, preset.ToJson()));
            }
            return runs;
        }
    }

    private sealed record Choice(string Label, JsonObject Values, double? Number, string Field);

    private sealed record Axis(string Name, string ShortName, bool IsSeed, JsonPath? Path, List<Choice> Choices);
}

/// <summary>A checked study: its definition, where it came from, the base preset and the runs of its grid.</summary>
/// <param name="Definition">The study file as parsed.</param>
/// <param name="Source">The file (or label) it was read from.</param>
/// <param name="PresetSource">The base preset name or the full path of its file.</param>
/// <param name="BasePreset">The base preset's JSON after the study's fixed changes and steps.</param>
/// <param name="Axes">The grid axes, the seed axis marked.</param>
/// <param name="Runs">The runs, in grid order (the first axis slowest).</param>
public sealed record Study(StudyDefinition Definition, string Source, string PresetSource, JsonObject BasePreset,
    IReadOnlyList<StudyAxis> Axes, IReadOnlyList<PlannedRun> Runs)
{
    /// <summary>The study's name.</summary>
    public string Name => Definition.Name;
}

/// <summary>One axis of a checked grid.</summary>
/// <param name="Name">The JSON path, or the name of an axis with cases.</param>
/// <param name="ShortName">The name used in run names and figures (the last path field unless two axes share it).</param>
/// <param name="IsSeed">Whether results are pooled over this axis (the seed).</param>
/// <param name="Path">The JSON path of a one-path axis; null for cases.</param>
/// <param name="Labels">Its values as labels, in order.</param>
/// <param name="Numbers">Its values as numbers where they are numbers (for metric-against-hyper-parameter figures).</param>
public sealed record StudyAxis(string Name, string ShortName, bool IsSeed, string? Path, IReadOnlyList<string> Labels, IReadOnlyList<double?> Numbers);

/// <summary>One run of a study.</summary>
/// <param name="Index">Position in the grid (the Slurm array index).</param>
/// <param name="Id">Folder name: the index and the axis values, e.g. <c>003_beta=4_seed=1</c>.</param>
/// <param name="Labels">Axis name to value label, in axis order.</param>
/// <param name="Values">JSON path to the value this run sets.</param>
/// <param name="Setting">The non-seed labels, e.g. <c>beta=4</c> (runs pooled across seeds share it); <c>all</c> when only seeds vary.</param>
/// <param name="Seed">The run's seed as its preset holds it.</param>
/// <param name="PresetJson">The full preset of this run.</param>
public sealed record PlannedRun(int Index, string Id, IReadOnlyList<KeyValuePair<string, string>> Labels, JsonObject Values, string Setting,
    long Seed, string PresetJson);
