using System.Globalization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code experiment evolvability</c>: the offspring-fitness distribution of single mutants and the adaptation
/// after a target switch, on one sprite trait through a trained decoder (<see cref="EvolvabilityExperiment"/>).
/// </summary>
public sealed class EvolvabilityCommand : Command<EvolvabilitySettings>
{
    /// <summary>Default JSON file in the run folder.</summary>
    public const string ResultFile = "evolvability.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvolvabilityCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvolvabilitySettings settings, CancellationToken cancellationToken)
    {
        var traits = new SpritesTraits();
        int trait = traits.TraitNames.ToList().FindIndex(n => string.Equals(n, settings.Trait, StringComparison.OrdinalIgnoreCase));
        if (trait < 0) throw new UserInputException($"--trait must be one of {string.Join(", ", traits.TraitNames)}, got '{settings.Trait}'.");
        var options = new EvolvabilityOptions
        {
            MutantsPerParent = settings.Mutants, MutationSigma = settings.Sigma, GenerationsPerTarget = settings.Generations,
            TargetOffset = settings.TargetOffset, Tolerance = settings.Tolerance, Seed = settings.Seed,
        }.Validate();
        RunFolder.OpenExisting(settings.Run!);
        using var run = TrainedRun.Load(settings.Run!, settings.Device);
        string name = traits.TraitNames[trait];
        console.MarkupLine($"evolvability of [bold]{name}[/] in {Markup.Escape(run.Run.Path)} (step {run.Header.Step}): {settings.Parents} parents x " +
                           $"{settings.Mutants} mutants, sigma {F(settings.Sigma)}, {settings.Generations} generations per target");
        EvolvabilityResult result;
        using (var scope = torch.NewDisposeScope())
        {
            torch.Tensor parents;
            using (torch.no_grad())
                parents = run.Model.Encode(run.Data.Render(run.Data.SampleFactors(settings.Parents, (long)Seeds.Derive(settings.Seed, 7)), run.Device));
            torch.Tensor TraitOf(torch.Tensor genomes) => traits.Extract(run.Model.Develop(genomes)).select(1, trait); // one batched development per chunk
            result = EvolvabilityExperiment.Run(TraitOf, parents, options,
                (gen, mf) => { if (gen % 10 == 0 || gen == 2 * settings.Generations) console.WriteLine($"generation {gen}/{2 * settings.Generations}  mean fitness {mf:F3}"); },
                cancellationToken);
        }

        string json = Path.GetFullPath(settings.Json ?? run.Run.File(ResultFile));
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        var record = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["run"] = run.Run.Path,
            ["step"] = run.Header.Step,
            ["trait"] = name,
            ["parents"] = settings.Parents,
            ["options"] = options,
            ["trait_mean"] = result.TraitMean,
            ["trait_std"] = result.TraitStd,
            ["target_a"] = result.TargetA,
            ["target_b"] = result.TargetB,
            ["fitter_share"] = result.FitterShare,
            ["mean_fitness_change"] = result.MeanFitnessChange,
            ["fitness_change_quantile_levels"] = EvolvabilityResult.QuantileLevels,
            ["fitness_change_quantiles"] = result.FitnessChangeQuantiles,
            ["mean_fitness"] = result.MeanFitness,
            ["generations_to_adapt_a"] = result.GenerationsToAdaptA,
            ["generations_to_recover"] = result.GenerationsToRecover,
        };
        AtomicFile.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        string stem = Path.Combine(Path.GetDirectoryName(json)!, Path.GetFileNameWithoutExtension(json));
        var (centres, shares) = Histogram(result.FitnessChanges, 40);
        string hist = AnalysisFigures.SaveLines($"Fitness change of single mutants ({name}; {F(result.FitterShare)} fitter than their parent)",
            "fitness change (trait SDs squared)", "share of offspring",
            new Dictionary<string, (double[] X, double[] Y)> { ["offspring"] = (centres, shares) }, stem + "_offspring.png");
        var gens = Enumerable.Range(0, result.MeanFitness.Length).Select(g => (double)g).ToArray();
        string curve = AnalysisFigures.SaveLines($"Mean fitness; target switches from A to B at generation {settings.Generations} ({name})",
            "generation", "mean fitness -((trait - target) / sd)^2", new Dictionary<string, (double[] X, double[] Y)>
            {
                ["mean fitness"] = (gens, result.MeanFitness),
                ["adapted threshold"] = (gens, gens.Select(_ => -settings.Tolerance * settings.Tolerance).ToArray()),
            }, stem + "_switch.png");

        console.MarkupLine($"fitter mutants {F(result.FitterShare)}, mean fitness change {F(result.MeanFitnessChange)}, median {F(result.FitnessChangeQuantiles[2])}; " +
                           $"adapted to A in {Gens(result.GenerationsToAdaptA)}, recovered after the switch in {Gens(result.GenerationsToRecover)}");
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(json)}, {Markup.Escape(hist)}, {Markup.Escape(curve)}");
        return 0;
    }

    // Equal-width bins between the 0.5 % and 99.5 % quantiles (outliers fall in the end bins); share of values per bin.
    private static (double[] Centres, double[] Shares) Histogram(double[] values, int bins)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double lo = sorted[(int)(0.005 * (sorted.Length - 1))], hi = sorted[(int)(0.995 * (sorted.Length - 1))];
        if (!(hi > lo)) hi = lo + 1e-9;
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (double v in values) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
        return (Enumerable.Range(0, bins).Select(b => lo + (b + 0.5) * width).ToArray(), counts.Select(c => c / values.Length).ToArray());
    }

    private static string Gens(int? g) => g is null ? "never" : $"{g} generations";

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
