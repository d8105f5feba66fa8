using System.Globalization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment selectability</c>: selects a population of genomes on each sprite trait in turn through a
/// trained decoder and records how every trait responds (<see cref="SelectabilityExperiment"/>), for one or several runs.
/// </summary>
public sealed class SelectabilityCommand : Command<SelectabilitySettings>
{
    /// <summary>Default JSON file in the run folder.</summary>
    public const string SelectabilityFile = "selectability.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public SelectabilityCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, SelectabilitySettings settings, CancellationToken cancellationToken)
    {
        var traitNames = new SpritesTraits().TraitNames;
        string plotted = traitNames.FirstOrDefault(n => string.Equals(n, settings.Trait, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserInputException($"--trait must be one of {string.Join(", ", traitNames)}, got '{settings.Trait}'.");
        var runs = settings.AllRuns();
        var options = runs.Select(settings.ToOptions).ToList(); // every option and folder checked before any work
        RunInput.CheckAll(runs);

        var summary = new Table().AddColumn("run").AddColumn(new TableColumn($"direct response of {plotted} (sd)").RightAligned())
            .AddColumn(new TableColumn("mean direct response (sd)").RightAligned())
            .AddColumn(new TableColumn("cross-talk ratio, all traits").RightAligned())
            .AddColumn(new TableColumn("cross-talk ratio, posX posY scale").RightAligned())
            .AddColumn(new TableColumn("per-locus").RightAligned())
            .AddColumn(new TableColumn("rotated").RightAligned())
            .AddColumn(new TableColumn("rotated per-locus").RightAligned())
            .AddColumn(new TableColumn("mean autonomy").RightAligned());
        foreach (var o in options)
        {
            console.MarkupLine($"selecting {o.Population} genomes of [bold]{Markup.Escape(o.Run!)}[/] on each of {string.Join(", ", traitNames)} for {o.Generations} generations" +
                               (o.Controls ? ", with the per-locus and rotated-genome controls" : ""));
            var result = ProgressDisplay.Run(console, progress => SelectabilityExperiment.Run(o, settings.Seed, progress, cancellationToken));
            string json = Path.GetFullPath(settings.Json ?? Path.Combine(result.Run!, SelectabilityFile));
            var written = new List<string> { ResultFile.Write(json, result) };
            written.AddRange(ExperimentFigures.Save(ExperimentFigures.Selectability(result, plotted, Path.GetFileNameWithoutExtension(json)), Path.GetDirectoryName(json)!));
            console.MarkupLine($"[green]wrote[/] {Markup.Escape(string.Join(", ", written))}");
            int line = result.SelectedTraits.ToList().IndexOf(result.TraitNames.ToList().IndexOf(plotted));
            string Control(string name) => result.Controls?.FirstOrDefault(c => c.Name == name) is { } c ? F(c.CrossTalk) : "-";
            summary.AddRow(Markup.Escape(result.Run!), F(result.CorrelatedResponse[line][result.SelectedTraits[line]]), F(result.DirectResponse),
                F(result.CrossTalk), F(result.CrossTalkGeometric), Control("per-locus"), Control("rotated"), Control("rotated per-locus"),
                result.HansenHoule is { } h ? F(h.MeanAutonomy) : "-");
        }
        console.Write(summary);
        console.MarkupLine("cross-talk ratio: mean |off-target response| / mean |direct response| (both in initial trait SDs; 0: each trait selectable alone); " +
                           "controls: the same ratio over all traits; autonomy: Hansen and Houle 2008, mean over random unit selection gradients");
        return 0;
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
