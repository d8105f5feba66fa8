// Scores of replicate runs per setting: mean and 95% interval (Student's t) of each metric, as a Markdown table, a JSON
// file and a figure. From the repository root:
//   dotnet run examples/disentanglement-search/summary.cs -- OUT_DIR "LABEL=RUN,RUN,RUN" "LABEL=RUN,RUN,RUN" ...
// Each RUN is an evaluated run folder (genomic-code evaluate --run RUN wrote its evaluation.json).
#:project ../../src/GenomicCode/GenomicCode.csproj
#:project ../../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Numerics;
using GenomicCode.Plotting;

if (args.Length < 2 || args.Skip(1).Any(a => !a.Contains('=')))
{
    Console.Error.WriteLine("usage: dotnet run examples/disentanglement-search/summary.cs -- OUT_DIR \"LABEL=RUN,RUN,RUN\" ...");
    return 2;
}
string[] metrics = { "mig", "dci_disentanglement", "dci_completeness", "dci_informativeness", "sap", "factor_vae_score" };
var c = CultureInfo.InvariantCulture;
var settings = new List<(string Label, string[] Runs, Dictionary<string, double[]> Scores)>();
try
{
    foreach (string group in args.Skip(1))
    {
        string label = group[..group.IndexOf('=')];
        string[] runs = group[(group.IndexOf('=') + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var scores = runs.Select(r => ResultFile.Read<EvaluationResult>(Path.Combine(r, "evaluation.json")).Scores).ToList();
        settings.Add((label, runs, metrics.ToDictionary(m => m, m => scores.Select(s => s.TryGetValue(m, out double v) ? v : double.NaN).ToArray())));
    }
}
catch (UserInputException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

Directory.CreateDirectory(args[0]);
var intervals = settings.ToDictionary(s => s.Label, s => metrics.ToDictionary(m => m, m => Statistics.TInterval(s.Scores[m])));
Console.WriteLine("| setting | runs | " + string.Join(" | ", metrics) + " |");
Console.WriteLine("|---|---|" + string.Concat(metrics.Select(_ => "---|")));
foreach (var s in settings)
    Console.WriteLine($"| {s.Label} | {s.Runs.Length} | " + string.Join(" | ", metrics.Select(m => intervals[s.Label][m].Format())) + " |");

File.WriteAllText(Path.Combine(args[0], "summary.json"), JsonSerializer.Serialize(settings.Select(s => new
{
    setting = s.Label,
    runs = s.Runs,
    values = s.Scores,
    intervals = intervals[s.Label],
}), new JsonSerializerOptions(JsonSettings.Default) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }) + "\n");
var series = settings.ToDictionary(s => s.Label, s => (IReadOnlyList<IntervalPoint>)metrics
    .Select(m => new IntervalPoint(s.Scores[m], intervals[s.Label][m].Mean, intervals[s.Label][m].Lower, intervals[s.Label][m].Upper)).ToList());
Console.WriteLine(StudyFigures.SaveIntervals("Disentanglement scores: mean and 95% interval over seeds", "score",
    metrics, series, Path.Combine(args[0], "scores.png")));
return 0;
