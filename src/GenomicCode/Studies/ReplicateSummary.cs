using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Numerics;

namespace GenomicCode.Studies;

/// <summary>One summarised value: the numbers found at a JSON path in every file, and their mean with its interval.</summary>
/// <param name="Path">The JSON path, as given, or "A - B" for a paired difference.</param>
/// <param name="Values">The value in each file, in file order (true counts as 1, false as 0).</param>
/// <param name="Interval">Mean over the files with its Student-t interval: the files are the replicates.</param>
public sealed record SummaryLine(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("values")] double[] Values,
    [property: JsonPropertyName("interval")] MeanInterval Interval);

/// <summary>Numbers gathered from result files of independent replicates (seeds, trained runs), each with its t interval.</summary>
/// <param name="Files">The result files, one per replicate.</param>
/// <param name="Lines">One line per JSON path.</param>
public sealed record ReplicateSummary(
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("lines")] IReadOnlyList<SummaryLine> Lines)
{
    /// <summary>
    /// Reads the number at each of <paramref name="paths"/> (<see cref="JsonPath"/>: <c>cross_talk</c>,
    /// <c>amortisation_gap.map</c>, <c>controls[1].cross_talk</c>) in each of <paramref name="files"/> and summarises it
    /// over the files with a <paramref name="confidence"/> t interval. A missing file, a path a file lacks, or a value that
    /// is not a finite number or a boolean is a one-line <see cref="UserInputException"/> naming the file and path.
    /// </summary>
    /// <remarks>
    /// Each of <paramref name="differences"/> is a pair of paths "A,B": the line is A - B within each file, summarised over
    /// the files (a paired comparison: both numbers come from the same replicate, so the replicate's own level cancels).
    /// </remarks>
    public static ReplicateSummary Of(IReadOnlyList<string> files, IReadOnlyList<string> paths, double confidence = 0.95,
        IReadOnlyList<string>? differences = null)
    {
        differences ??= Array.Empty<string>();
        if (files.Count == 0) throw new UserInputException("summarising needs at least one result file.");
        if (paths.Count == 0 && differences.Count == 0)
            throw new UserInputException("summarising needs at least one JSON path, for example --path cross_talk.");
        var parsed = paths.Select(JsonPath.Parse).ToList();
        var pairs = differences.Select(d =>
        {
            var parts = d.Split(',');
            if (parts.Length != 2)
                throw new UserInputException($"a difference is two JSON paths joined by a comma (A,B for A - B), got '{d}'.");
            return (Text: $"{parts[0].Trim()} - {parts[1].Trim()}", A: JsonPath.Parse(parts[0].Trim()), B: JsonPath.Parse(parts[1].Trim()));
        }).ToList();
        var documents = files.Select(f =>
        {
            if (!File.Exists(f)) throw new UserInputException($"result file '{f}' does not exist.");
            try
            {
                return JsonNode.Parse(File.ReadAllText(f), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            }
            catch (JsonException e)
            {
                throw new UserInputException($"{f}: not JSON: {JsonSettings.Reason(e)}", e);
            }
        }).ToList();
        var lines = parsed.Select(path => new SummaryLine(path.Text, documents.Select((d, i) => Number(d, path, files[i])).ToArray(), null!))
            .Concat(pairs.Select(pair => new SummaryLine(pair.Text,
                documents.Select((d, i) => Number(d, pair.A, files[i]) - Number(d, pair.B, files[i])).ToArray(), null!)))
            .Select(l => l with { Interval = Statistics.TInterval(l.Values, confidence) }).ToList();
        return new ReplicateSummary(files.ToArray(), lines);
    }

    private static double Number(JsonNode? document, JsonPath path, string file)
    {
        if (!path.TryGet(document, out var node) || node is null) throw new UserInputException($"{file}: no value at '{path.Text}'.");
        if (node is JsonValue value)
        {
            if (value.TryGetValue(out double d) && double.IsFinite(d)) return d;
            if (value.TryGetValue(out bool b)) return b ? 1 : 0;
        }
        throw new UserInputException($"{file}: the value at '{path.Text}' is {node.ToJsonString()}, not a finite number or a boolean.");
    }
}
