using System.Diagnostics;
using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Metrics;
using GenomicCode.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary><c>genomic-code score</c>: scores codes from any framework against ground-truth factors.</summary>
public sealed class ScoreCommand : Command<ScoreSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public ScoreCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, ScoreSettings settings, CancellationToken cancellationToken)
    {
        var metrics = MetricCatalog.Parse(settings.Metrics, MetricCatalog.CodeMetricNames);
        foreach (var m in metrics)
            if (m is not ICodeMetric)
                throw new UserInputException($"metric '{m.Name}' needs to sample the data (interventions); score supports {string.Join(", ", MetricCatalog.CodeMetricNames)}; use `genomic-code evaluate` for it.");
        var all = CodeFiles.Load(settings.Codes!, settings.Factors!);
        var (train, test) = CodeFiles.SplitHalves(all);
        var scores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("score").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (ICodeMetric metric in metrics.Cast<ICodeMetric>())
        {
            var watch = Stopwatch.StartNew();
            var result = metric.Score(train, test, settings.Seed);
            foreach (var (name, value) in result)
            {
                scores[name] = value;
                table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture), watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            }
        }
        console.MarkupLine($"scored {all.Count} rows ({train.Count} train, {test.Count} test), {all.CodeSize} code dimensions, {all.FactorCount} factors");
        console.Write(table);
        if (settings.Json is not null)
        {
            var json = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["num_train"] = train.Count, ["num_test"] = test.Count };
            foreach (var (k, v) in scores) json[k] = v;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(settings.Json));
            if (dir is not null) Directory.CreateDirectory(dir);
            AtomicFile.WriteAllText(settings.Json, System.Text.Json.JsonSerializer.Serialize(json, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            console.MarkupLine($"wrote [link]{Markup.Escape(settings.Json)}[/]");
        }
        return 0;
    }
}
