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
                           $"{options.TrainingGenerations} training generations, {options.Replicates} replicate(s), {options.CostNorm} connection cost {F(options.ConnectionCost)}, seed {settings.Seed}" +
                           (options.Genome == "nucleotide" ? $"; and B read from DNA ({Markup.Escape(options.Layout.ToString())})" : ""));
        var result = ProgressDisplay.Run(console, progress => GeneralisationExperiment.Run(options, settings.Seed, progress, cancellationToken));

        string dir = Path.GetFullPath(settings.Out);
        var written = new List<string> { ResultFile.Write(Path.Combine(dir, ResultFileName), result) };
        written.AddRange(ExperimentFigures.Save(ExperimentFigures.Generalisation(result), dir));

        var table = new Table().AddColumn("condition").AddColumn(new TableColumn("gens seen").RightAligned())
            .AddColumn(new TableColumn("gens unseen [[95% CI]]").RightAligned())
            .AddColumn(new TableColumn("unseen reached, share by replicate [[95% CI]]").RightAligned())
            .AddColumn(new TableColumn("replicates reaching every unseen (Fisher p vs no cost)").RightAligned())
            .AddColumn(new TableColumn("random->seen").RightAligned())
            .AddColumn(new TableColumn("random->unseen [[95% CI]]").RightAligned())
            .AddColumn(new TableColumn("training / generalisation error").RightAligned())
            .AddColumn(new TableColumn("|B| within / between").RightAligned())
            .AddColumn(new TableColumn("Hebbian r").RightAligned());
        foreach (var c in result.Conditions)
        {
            var st = c.Statistics!;
            string versus = st.VersusNoCost is { } v ? $" (p = {v.PValue.ToString("G3", CultureInfo.InvariantCulture)})" : "";
            table.AddRow(Markup.Escape(c.Condition), F(c.GenerationsToAdaptSeen), Markup.Escape(st.GenerationsToAdaptUnseen.Format(1)),
                Markup.Escape(st.UnseenAdaptedShare.Format(3)), $"{st.ReplicatesReachingEveryUnseen}/{c.Replicates.Count}{versus}",
                F(c.RandomToSeenShare), Markup.Escape(st.RandomToUnseenShare.Format(4)),
                $"{F(st.TrainingError.Mean)} / {F(st.GeneralisationError.Mean)}", $"{F(c.WithinModuleWeight)} / {F(c.BetweenModuleWeight)}",
                F(c.HebbianCorrelation));
        }
        console.Write(table);
        foreach (var c in result.Conditions.Where(c => c.Dna is not null))
            console.MarkupLine($"{Markup.Escape(c.Condition)}: replicate 1's DNA ({c.Dna!.Length} bases) {Markup.Escape(c.Dna)}");
        if (result.CostCurve is { Count: > 0 } curve)
        {
            var errors = new Table().AddColumn(new TableColumn($"lambda ({options.CostUnits})").RightAligned()).AddColumn(new TableColumn("lambda (ours)").RightAligned())
                .AddColumn(new TableColumn("training error [[95% CI]]").RightAligned()).AddColumn(new TableColumn("generalisation error [[95% CI]]").RightAligned())
                .AddColumn(new TableColumn("random->unseen [[95% CI]]").RightAligned());
            foreach (var p in curve)
                errors.AddRow(F(p.Lambda), F(p.ConnectionCost), Markup.Escape(p.TrainingError.Format(3)), Markup.Escape(p.GeneralisationError.Format(3)),
                    Markup.Escape(p.RandomToUnseenShare.Format(4)));
            console.Write(errors);
        }
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
        return 0;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
