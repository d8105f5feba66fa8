using System.Globalization;
using GenomicCode.Runs;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment generalisation</c>: runs <see cref="GeneralisationExperiment"/> (Watson et al. 2014;
/// Kouvaris et al. 2017) and writes generalisation.json, bar charts of adaptation times and phenotypic shares, and a
/// heatmap of the evolved regulatory matrix B of each condition.
/// </summary>
public sealed class GeneralisationCommand : Command<GeneralisationSettings>
{
    /// <summary>JSON file in the output folder.</summary>
    public const string ResultFileName = "generalisation.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public GeneralisationCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, GeneralisationSettings settings, CancellationToken cancellationToken)
    {
        var options = settings.ToOptions(); // validated before anything is written
        AtomicFile.CheckDestination(Path.Combine(settings.Out, ResultFileName), RunFolder.ReportBytes, "--out");
        console.MarkupLine($"generalisation experiment ({options.Strategy}, {options.TargetSet} targets): {options.Traits} traits in {options.Modules} modules, " +
                           $"{options.TrainingGenerations} training generations, {options.Replicates} replicate(s), {options.CostNorm} connection cost {F(options.ConnectionCost)}, seed {settings.Seed}");
        var result = ProgressDisplay.Run(console, progress => GeneralisationExperiment.Run(options, settings.Seed, progress, cancellationToken));

        string dir = Path.GetFullPath(settings.Out);
        var written = new List<string> { ResultFile.Write(Path.Combine(dir, ResultFileName), result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Generalisation(result), dir));

        var table = new Table().AddColumn("condition").AddColumn(new TableColumn("gens seen").RightAligned()).AddColumn(new TableColumn("gens unseen (sd)").RightAligned())
            .AddColumn(new TableColumn("unseen adapted").RightAligned()).AddColumn(new TableColumn("random->seen").RightAligned())
            .AddColumn(new TableColumn("random->unseen (sd)").RightAligned()).AddColumn(new TableColumn("|B| within / between").RightAligned())
            .AddColumn(new TableColumn("Hebbian r").RightAligned());
        foreach (var c in result.Conditions)
            table.AddRow(Markup.Escape(c.Condition), F(c.GenerationsToAdaptSeen), $"{F(c.GenerationsToAdaptUnseen)} ({F(c.GenerationsToAdaptUnseenSd)})", F(c.UnseenAdaptedShare),
                F(c.RandomToSeenShare), $"{F(c.RandomToUnseenShare)} ({F(c.RandomToUnseenShareSd)})", $"{F(c.WithinModuleWeight)} / {F(c.BetweenModuleWeight)}",
                F(c.HebbianCorrelation));
        console.Write(table);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
