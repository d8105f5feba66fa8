using System.Diagnostics;
using System.Globalization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment selectability</c>: selects a population of genomes on each sprite trait in turn through a
/// trained decoder and records how every trait responds (independent selectability, issue 6).
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
        var traits = new SpritesTraits();
        int plotted = traits.TraitNames.ToList().FindIndex(n => string.Equals(n, settings.Trait, StringComparison.OrdinalIgnoreCase));
        if (plotted < 0) throw new UserInputException($"--trait must be one of {string.Join(", ", traits.TraitNames)}, got '{settings.Trait}'.");
        var options = new SelectabilityOptions
        {
            Generations = settings.Generations, TruncationFraction = settings.Truncation, MutationSigma = settings.Sigma, Seed = settings.Seed,
        };
        options.Validate();
        var runs = settings.AllRuns();
        foreach (string dir in runs) RunFolder.OpenExisting(dir); // every folder checked before any work

        var summary = new Table().AddColumn("run").AddColumn(new TableColumn($"direct response of {traits.TraitNames[plotted]} (sd)").RightAligned())
            .AddColumn(new TableColumn("cross-talk, all traits").RightAligned())
            .AddColumn(new TableColumn("cross-talk, posX posY scale").RightAligned());
        foreach (string dir in runs)
        {
            using var loaded = TrainedRun.Load(dir, settings.Device);
            var result = RunOne(loaded, traits, options, settings, cancellationToken);
            string json = Path.GetFullPath(settings.Json ?? loaded.Run.File(SelectabilityFile));
            Write(result, loaded, options, settings, json, plotted);
            summary.AddRow(Markup.Escape(loaded.Run.Path), F(result.CorrelatedResponse[plotted][plotted]), F(result.CrossTalk),
                F(result.CrossTalkAmong(GeometricTraits(traits))));
        }
        console.Write(summary);
        console.MarkupLine("cross-talk: mean |off-diagonal| / mean |diagonal| of the correlated-response matrix (0: each trait selectable alone)");
        return 0;
    }

    private SelectabilityResult RunOne(TrainedRun run, SpritesTraits traits, SelectabilityOptions options, SelectabilitySettings settings, CancellationToken cancel)
    {
        using var scope = torch.NewDisposeScope();
        // Start: posterior means of sampled sprites, so the population sits where the decoder was trained.
        torch.Tensor start;
        using (torch.no_grad())
            start = run.Model.Encode(run.Data.Render(run.Data.SampleFactors(settings.Population, (long)Seeds.Derive(settings.Seed, 7)), run.Device));
        torch.Tensor TraitsOf(torch.Tensor genomes) => traits.Extract(run.Model.Develop(genomes));  // one batched development
        console.MarkupLine($"selecting {settings.Population} genomes of [bold]{Markup.Escape(run.Run.Path)}[/] (step {run.Header.Step}) on each of " +
                           $"{string.Join(", ", traits.TraitNames)} for {settings.Generations} generations");
        int total = traits.TraitNames.Count * settings.Generations;
        var watch = Stopwatch.StartNew();
        SelectabilityResult result = null!;
        void Go(Action<int, GenerationReport> onGeneration) =>
            result = SelectabilityExperiment.Run(TraitsOf, traits.TraitNames, start, options, null, onGeneration, cancel);
        string Line(int trait, GenerationReport r) =>
            $"selecting {traits.TraitNames[trait]}: generation {r.Generation}/{settings.Generations}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}  {watch.Elapsed.TotalSeconds:F0} s";
        // One bar over every selection line: position = lines done x generations + generation.
        ProgressDisplay.Run(console, total, 0, report =>
            Go((trait, r) => report(trait * settings.Generations + r.Generation, Line(trait, r))));
        return result;
    }

    private void Write(SelectabilityResult result, TrainedRun run, SelectabilityOptions options, SelectabilitySettings settings, string json, int plotted)
    {
        var names = result.TraitNames;
        var record = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["run"] = run.Run.Path,
            ["step"] = run.Header.Step,
            ["options"] = options,
            ["population"] = settings.Population,
            ["trait_names"] = names,
            ["initial_mean"] = result.InitialMean,
            ["initial_std"] = result.InitialStd,
            ["correlated_response"] = result.CorrelatedResponse,
            ["cross_talk"] = result.CrossTalk,
            ["cross_talk_geometric"] = result.CrossTalkAmong(GeometricTraits(new SpritesTraits())),
            ["trajectories"] = result.SelectedTraits.Select((t, line) => (t, line))
                .ToDictionary(p => names[p.t], p => result.Trajectories[p.line]),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        AtomicFile.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        string stem = Path.Combine(Path.GetDirectoryName(json)!, Path.GetFileNameWithoutExtension(json));
        int line = result.SelectedTraits.ToList().IndexOf(plotted);
        var generations = Enumerable.Range(0, result.Trajectories[line].Length).Select(g => (double)g).ToArray();
        var series = names.Select((n, t) => (n, t)).ToDictionary(p => p.n, p => (generations,
            result.Trajectories[line].Select(m => (m[p.t] - result.InitialMean[p.t]) / Math.Max(result.InitialStd[p.t], 1e-12)).ToArray()));
        string trajectories = AnalysisFigures.SaveLines($"Selecting on {names[plotted]}: every trait's population mean ({Path.GetFileName(run.Run.Path)})",
            "generation", "change in initial standard deviations", series, stem + "_trajectories.png");
        var matrix = new double[result.SelectedTraits.Count, names.Count];
        for (int s = 0; s < matrix.GetLength(0); s++)
            for (int t = 0; t < names.Count; t++) matrix[s, t] = result.CorrelatedResponse[s][t];
        string heatmap = AnalysisFigures.SaveHeatmap($"Correlated response after {options.Generations} generations ({Path.GetFileName(run.Run.Path)})", matrix,
            result.SelectedTraits.Select(t => $"select {names[t]}").ToArray(), names, stem + "_response.png", "response (initial sd)", diverging: true);
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(json)}, {Markup.Escape(trajectories)}, {Markup.Escape(heatmap)}");
    }

    /// <summary>posX, posY and scale: traits defined for every shape (orientation is undefined for squares, elongation follows the shape).</summary>
    private static int[] GeometricTraits(SpritesTraits traits) =>
        new[] { "posX", "posY", "scale" }.Select(n => traits.TraitNames.ToList().IndexOf(n)).ToArray();

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
