using System.Globalization;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code analyze</c>: the genetic architecture (genome -> trait effect matrix, pleiotropy, polygenicity,
/// epistasis) and the robustness of development of a trained run; writes analysis.json and figures.
/// </summary>
public sealed class AnalyzeCommand : Command<AnalyzeSettings>
{
    /// <summary>Files written into the run folder.</summary>
    public const string AnalysisFile = "analysis.json", EffectFigure = "effect_matrix.png", EpistasisFigure = "epistasis.png",
        RobustnessFigure = "robustness.png", VarianceFigure = "phenotypic_variance.png", SpectrumFigure = "effect_spectrum.png";

    private const int Chunk = 256;
    private const int EpistasisParents = 8;
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public AnalyzeCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, AnalyzeSettings settings, CancellationToken cancellationToken)
    {
        var noise = ParseLevels(settings.Noise);
        using var loaded = TrainedRun.Load(settings.Run!, settings.Device);
        var model = loaded.Model;
        using var scope = torch.NewDisposeScope();
        // The population: posterior means of sampled sprites.
        var images = loaded.Data.Render(loaded.Data.SampleFactors(settings.Population, (long)Seeds.Derive(settings.Seed, 1)), loaded.Device);
        var genomes = model.Encode(images).detach();                                                   // (N, G)
        int genes = (int)genomes.shape[1];
        Develop develop = Developments.InChunks(g => torch.sigmoid(model.Decoder.forward(g)), Chunk);
        var traits = new SpritesTraits();
        console.MarkupLine($"analysing [bold]{Markup.Escape(loaded.Run.Path)}[/] (step {loaded.Header.Step}): {settings.Population} genomes of {genes} genes, " +
                           $"traits {string.Join(", ", traits.TraitNames)}");

        var traitSd = EffectMatrix.TraitStandardDeviations(develop, traits, genomes);
        var jacobian = EffectMatrix.Jacobian(develop, traits, genomes);
        var finite = EffectMatrix.FiniteDifferences(develop, traits, genomes.narrow(0, 0, Math.Min(32, settings.Population)), h: 0.1);
        var standardised = GeneticArchitecture.Standardise(jacobian, traitSd);
        var architecture = GeneticArchitecture.Of(standardised);
        var epistasis = EffectMatrix.Epistasis(develop, traits, genomes.narrow(0, 0, Math.Min(EpistasisParents, settings.Population)), delta: 1.0, traitScale: traitSd);
        cancellationToken.ThrowIfCancellationRequested();

        var ks = new SortedSet<int> { 1, genes };
        for (int k = 2; k < genes; k *= 2) ks.Add(k);
        var mutational = Robustness.Mutational(develop, genomes, ks.ToArray(), settings.Mutants, settings.MutationSize, settings.Epsilon, settings.Seed);
        // Developmental noise for a decoder without its own: Gaussian noise of standard deviation sigma on every logit.
        var developmental = noise.Select(sigma => Robustness.Developmental(
            (g, gen) => Developments.InChunks(x =>
            {
                var logits = model.Decoder.forward(x);                                                   // (B, C, H, W)
                return torch.sigmoid(logits.Plus(torch.randn(logits.shape, generator: gen, device: logits.device).Mul(sigma)));
            }, Chunk)(g),
            develop, genomes, settings.Mutants, settings.Epsilon, settings.Seed, sigma)).ToList();

        var geneNames = Enumerable.Range(0, genes).Select(g => $"z{g}").ToArray();
        var record = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["run"] = loaded.Run.Path,
            ["step"] = loaded.Header.Step,
            ["population"] = settings.Population,
            ["genes"] = geneNames,
            ["traits"] = traits.TraitNames,
            ["trait_sd"] = traitSd,
            ["effect_matrix_jacobian"] = Rows(jacobian),
            ["effect_matrix_finite_differences"] = Rows(finite),
            ["effect_matrix_standardized"] = Rows(standardised),
            ["pleiotropy"] = architecture.Pleiotropy,
            ["polygenicity"] = architecture.Polygenicity,
            ["pleiotropy_threshold"] = architecture.Threshold,
            ["effect_spectrum"] = architecture.Spectrum,
            ["epistasis"] = Rows(epistasis),
            ["mutation_size"] = settings.MutationSize,
            ["epsilon"] = settings.Epsilon,
            ["mutational"] = mutational,
            ["developmental_noise"] = developmental,
        };
        AtomicFile.WriteAllText(loaded.Run.File(AnalysisFile), System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        string name = Path.GetFileName(loaded.Run.Path);
        AnalysisFigures.SaveHeatmap($"Genome -> trait effects of {name} (trait SDs per unit gene)", standardised, geneNames, traits.TraitNames,
            loaded.Run.File(EffectFigure), "d trait / d gene (trait SD)", diverging: true);
        AnalysisFigures.SaveHeatmap($"Pairwise epistasis of {name} (trait SDs, double mutation of size 1)", epistasis, geneNames, geneNames,
            loaded.Run.File(EpistasisFigure), "|non-additivity|");
        AnalysisFigures.SaveLines($"Mutational robustness of {name} (epsilon {settings.Epsilon})", "mutations per genome k", "share of mutants within epsilon",
            new Dictionary<string, (double[], double[])>
            {
                ["mutational robustness"] = (mutational.Select(p => p.Level).ToArray(), mutational.Select(p => p.Robustness).ToArray()),
            }, loaded.Run.File(RobustnessFigure));
        AnalysisFigures.SaveLines($"Phenotypic variance of {name}", "perturbation: mutations k, or developmental noise sigma", "mean pixel variance",
            new Dictionary<string, (double[], double[])>
            {
                ["k mutations"] = (mutational.Select(p => p.Level).ToArray(), mutational.Select(p => p.PhenotypicVariance).ToArray()),
                ["developmental noise"] = (developmental.Select(p => p.Level).ToArray(), developmental.Select(p => p.PhenotypicVariance).ToArray()),
            }, loaded.Run.File(VarianceFigure));
        AnalysisFigures.SaveLines($"Effect-size spectrum of {name}", "rank", "|effect| (trait SD per unit gene)",
            new Dictionary<string, (double[], double[])>
            {
                ["all gene-trait effects"] = (Enumerable.Range(1, architecture.Spectrum.Length).Select(i => (double)i).ToArray(), architecture.Spectrum),
            }, loaded.Run.File(SpectrumFigure));

        var table = new Table().AddColumn("gene").AddColumn("pleiotropy");
        foreach (string t in traits.TraitNames) table.AddColumn(new TableColumn(t).RightAligned());
        for (int g = 0; g < genes; g++)
            table.AddRow(new[] { geneNames[g], architecture.Pleiotropy[g].ToString(CultureInfo.InvariantCulture) }
                .Concat(Enumerable.Range(0, traits.TraitNames.Count).Select(t => standardised[g, t].ToString("F2", CultureInfo.InvariantCulture))).ToArray());
        console.Write(table);
        console.MarkupLine("mutational robustness: " + string.Join(", ", mutational.Select(p => $"k={p.Level}: {p.Robustness:F2}")));
        console.MarkupLine($"[green]wrote[/] {AnalysisFile}, {EffectFigure}, {EpistasisFigure}, {RobustnessFigure}, {VarianceFigure}, {SpectrumFigure} in {Markup.Escape(loaded.Run.Path)}");
        return 0;
    }

    private static double[][] Rows(double[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();

    private static double[] ParseLevels(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var levels = new List<double>();
        foreach (string p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || double.IsInfinity(v))
                throw new UserInputException($"--noise: '{p}' is not a noise level >= 0; give a comma-separated list such as 0.5,1,2.");
            levels.Add(v);
        }
        if (levels.Count == 0) throw new UserInputException("--noise needs at least one level, for example 0.5,1,2.");
        return levels.ToArray();
    }
}
