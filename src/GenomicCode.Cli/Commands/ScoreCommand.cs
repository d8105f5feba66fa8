using System.Globalization;
using GenomicCode.Runs;
using GenomicCode.Core;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary><c>genomic-code score</c>: scores codes from any framework against ground-truth factors (<see cref="ScoreExperiment"/>).</summary>
public sealed class ScoreCommand : Command<ScoreSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public ScoreCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, ScoreSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions();
        if (settings.Json is not null) AtomicFile.CheckDestination(settings.Json, RunFolder.ReportBytes, "--json"); // before any metric runs
        var result = ScoreExperiment.Run(options, settings.Seed, cancellationToken: cancellationToken);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("score").RightAligned());
        foreach (var (name, value) in result.Scores) table.AddRow(name, value.ToString("F4", CultureInfo.InvariantCulture));
        console.MarkupLine($"scored {result.NumTrain + result.NumTest} rows ({result.NumTrain} train, {result.NumTest} test), {result.CodeSize} code dimensions, {result.FactorCount} factors");
        console.Write(table);
        console.MarkupLine("seconds: " + string.Join(", ", result.Seconds.Select(s => $"{s.Key} {s.Value.ToString("F1", CultureInfo.InvariantCulture)}")));
        if (settings.Json is not null)
        {
            string path = ResultFile.Write(settings.Json, result);
            console.MarkupLine($"wrote [link]{Markup.Escape(path)}[/]");
        }
        return 0;
    }
}
