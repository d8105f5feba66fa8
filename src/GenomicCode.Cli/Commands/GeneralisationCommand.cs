using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Training;
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
    public const string ResultFile = "generalisation.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public GeneralisationCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, GeneralisationSettings settings, CancellationToken cancellationToken)
    {
        var start = settings.Strategy == "ga" ? GeneralisationOptions.GeneticAlgorithmDefaults : new GeneralisationOptions();
        var options = (start with
        {
            Strategy = settings.Strategy ?? start.Strategy, TargetSet = settings.TargetSet ?? start.TargetSet,
            Modules = settings.Modules ?? start.Modules, Traits = settings.Traits ?? start.Traits,
            TrainingGenerations = settings.Generations ?? start.TrainingGenerations, Replicates = settings.Replicates ?? start.Replicates,
            ConnectionCost = settings.ConnectionCost ?? start.ConnectionCost, CostNorm = settings.CostNorm ?? start.CostNorm,
            TestGenerations = settings.TestGenerations ?? start.TestGenerations, PopulationSize = settings.Population ?? start.PopulationSize,
            SwitchEvery = settings.SwitchEvery ?? start.SwitchEvery, SigmaG = settings.SigmaG ?? start.SigmaG,
            SigmaB = settings.SigmaB ?? start.SigmaB, Tau1 = settings.Tau1 ?? start.Tau1, Tau2 = settings.Tau2 ?? start.Tau2,
        }).Validate(); // before anything is written
        console.MarkupLine($"generalisation experiment ({options.Strategy}, {options.TargetSet} targets): {options.Traits} traits in {options.Modules} modules, " +
                           $"{options.TrainingGenerations} training generations, {options.Replicates} replicate(s), {options.CostNorm} connection cost {F(options.ConnectionCost)}, seed {settings.Seed}");
        var result = GeneralisationExperiment.Run(options, settings.Seed, progress: line => console.WriteLine(line));

        string dir = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(dir);
        string json = Path.Combine(dir, ResultFile);
        var record = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["options"] = options,
            ["seed"] = settings.Seed,
            ["training_targets"] = result.TrainingTargets,
            ["unseen_targets"] = result.UnseenTargets,
            ["conditions"] = result.Conditions,
        };
        AtomicFile.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        var adapt = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["generations to adapt: seen"] = c.GenerationsToAdaptSeen,
            ["generations to adapt: unseen"] = c.GenerationsToAdaptUnseen,
        });
        string adaptPng = AnalysisFigures.DrawMetricBars($"Generations to adapt (never = {options.TestGenerations})", adapt, "generations")
            .Save(Path.Combine(dir, "generalisation_adapt.png"));
        var shares = result.Conditions.ToDictionary(c => c.Condition, c => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["random -> seen target"] = c.RandomToSeenShare,
            ["random -> unseen target"] = c.RandomToUnseenShare,
            ["unseen targets adapted"] = c.UnseenAdaptedShare,
        });
        string sharesPng = AnalysisFigures.DrawMetricBars("Random genotypes reaching targets; unseen adapted", shares, "share")
            .Save(Path.Combine(dir, "generalisation_shares.png"));
        var written = new List<string> { json, adaptPng, sharesPng };
        int n = options.Traits;
        var labels = Enumerable.Range(0, n).Select(i => $"g{i}").ToArray();
        for (int c = 0; c < result.Conditions.Count; c++)
        {
            var cond = result.Conditions[c];
            var matrix = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) matrix[i, j] = cond.RegulatoryMatrix[i * n + j];
            written.Add(AnalysisFigures.SaveHeatmap($"Evolved B: {cond.Condition} (replicate 1)", matrix, labels, labels,
                Path.Combine(dir, $"generalisation_B{c}.png"), "B_ij", diverging: true));
        }

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
