using System.Diagnostics;
using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code evolve</c>: evolves a genome through a trained run's decoder to match a target phenotype and compares it
/// with the encoder's one-shot posterior mean (amortised vs evolved encoding, issue 6).
/// </summary>
public sealed class EvolveCommand : Command<EvolveSettings>
{
    /// <summary>Default JSON file in the run folder.</summary>
    public const string EvolveFile = "evolve.json";

    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public EvolveCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, EvolveSettings settings, CancellationToken cancellationToken)
    {
        using var loaded = TrainedRun.Load(settings.Run!, settings.Device);
        var (c, h, w) = loaded.Data.ObservationShape;
        using var target = ReadTarget(settings.Target!, loaded, c, h, w);                 // (1, C, H, W)
        int genes = loaded.Model.Options.LatentSize;
        using var encoderGenome = loaded.Model.Encode(target).squeeze(0);                  // (G)
        var loss = settings.Loss == "mse" ? PhenotypeLoss.Mse : PhenotypeLoss.Bernoulli;
        using var strategy = CreateStrategy(settings, genes, loaded.Device);
        console.MarkupLine($"evolving a genome of {genes} genes through [bold]{Markup.Escape(loaded.Run.Path)}[/] (step {loaded.Header.Step}) " +
                           $"to match target {Markup.Escape(settings.Target!)}: {settings.Strategy}, population {strategy.PopulationSize}, {settings.Generations} generations, {settings.Loss} loss");

        var watch = Stopwatch.StartNew();
        EvolvedEncodingResult result = null!;
        void Evolve(Action<GenerationReport> onGeneration) =>
            result = EvolvedEncoding.Run(strategy, loaded.Model.Develop, target, encoderGenome, settings.Generations, loss, ScalarType.Float32, onGeneration, cancellationToken);
        RunWithProgress(Evolve, settings.Generations, watch);
        double seconds = watch.Elapsed.TotalSeconds;

        string json = Path.GetFullPath(settings.Json ?? loaded.Run.File(EvolveFile));
        string stem = Path.Combine(Path.GetDirectoryName(json)!, Path.GetFileNameWithoutExtension(json));
        var table = new Table().AddColumn("genome").AddColumn(new TableColumn("Bernoulli NLL (nats)").RightAligned()).AddColumn(new TableColumn("MSE").RightAligned());
        table.AddRow("encoder posterior mean", F(result.EncoderNll, "F2"), F(result.EncoderMse, "F5"));
        table.AddRow($"evolved ({settings.Strategy}, {result.Reports.Count} generations)", F(result.EvolvedNll, "F2"), F(result.EvolvedMse, "F5"));
        console.Write(table);
        console.MarkupLine(result.GenerationsToBeatEncoder is int g
            ? $"evolution beat the encoder after [bold]{g}[/] generations ({g * strategy.PopulationSize} developments)"
            : "evolution did not beat the encoder in this run");

        var record = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["run"] = loaded.Run.Path,
            ["step"] = loaded.Header.Step,
            ["target"] = settings.Target,
            ["strategy"] = settings.Strategy,
            ["population"] = strategy.PopulationSize,
            ["generations"] = result.Reports.Count,
            ["seed"] = settings.Seed,
            ["loss"] = settings.Loss,
            ["seconds"] = seconds,
            ["encoder"] = new SortedDictionary<string, object> { ["nll"] = result.EncoderNll, ["mse"] = result.EncoderMse, ["genome"] = result.EncoderGenome },
            ["evolved"] = new SortedDictionary<string, object> { ["nll"] = result.EvolvedNll, ["mse"] = result.EvolvedMse, ["genome"] = result.EvolvedGenome },
            ["generations_to_beat_encoder"] = result.GenerationsToBeatEncoder,
            ["developments_to_beat_encoder"] = result.GenerationsToBeatEncoder * strategy.PopulationSize,
            ["best_fitness"] = result.Reports.Select(r => r.BestFitness).ToArray(),
            ["mean_fitness"] = result.Reports.Select(r => r.MeanFitness).ToArray(),
            ["best_so_far"] = result.Reports.Select(r => r.BestSoFar).ToArray(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        AtomicFile.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(record, JsonSettings.Default));

        // First channel of each: target | encoder | evolved.
        var pixels = new float[3 * h * w];
        using (var t = target.to(ScalarType.Float32).cpu()) Array.Copy(t.data<float>().ToArray(), 0, pixels, 0, h * w);
        Array.Copy(result.EncoderPhenotype, 0, pixels, h * w, h * w);
        Array.Copy(result.EvolvedPhenotype, 0, pixels, 2 * h * w, h * w);
        string images = Figures.SaveImageGrid(new ImageGrid(1, 3, h, w, pixels, null,
                new[] { "target", $"encoder (NLL {result.EncoderNll:F1})", $"evolved (NLL {result.EvolvedNll:F1})" }),
            "Target | encoder reconstruction | evolved phenotype", stem + ".png");
        var x = result.Reports.Select(r => (double)r.Generation).ToArray();
        double encoderFitness = -(loss == PhenotypeLoss.Bernoulli ? result.EncoderNll : result.EncoderMse);
        string curve = AnalysisFigures.SaveLines($"Evolving a genome ({settings.Strategy}, population {strategy.PopulationSize})", "generation", $"fitness (-{settings.Loss} loss)",
            new Dictionary<string, (double[], double[])>
            {
                ["best"] = (x, result.Reports.Select(r => r.BestFitness).ToArray()),
                ["mean"] = (x, result.Reports.Select(r => r.MeanFitness).ToArray()),
                ["encoder posterior mean"] = (x, x.Select(_ => encoderFitness).ToArray()),
            }, stem + "_fitness.png");
        console.MarkupLine($"[green]wrote[/] {Markup.Escape(json)}, {Markup.Escape(images)}, {Markup.Escape(curve)}");
        return 0;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A sprites-world index rendered by the run's data, or a 64x64 (or 1x64x64) NPY image in [0, 1].</summary>
    private static Tensor ReadTarget(string target, TrainedRun run, int c, int h, int w)
    {
        if (long.TryParse(target, NumberStyles.Integer, CultureInfo.InvariantCulture, out long index))
        {
            if (index < 0 || index >= run.Data.Count)
                throw new UserInputException($"target index {index} is out of range [0, {run.Data.Count - 1}] of the sprites world.");
            if (run.Data is not SpritesWorld sprites) throw new UserInputException("an index target needs the sprites world; pass a .npy image instead.");
            using var scope = torch.NewDisposeScope();
            return sprites.RenderIndices(new[] { index }, run.Device).to(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        if (!target.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"--target '{target}' is neither a sprites-world index nor a .npy file.");
        var array = Npy.Read(target);
        long[] shape = array.Shape.SkipWhile(d => d == 1).ToArray();
        long[] expected = c == 1 ? new long[] { h, w } : new long[] { c, h, w };
        if (!shape.SequenceEqual(expected))
            throw new UserInputException($"target image '{target}' has shape ({string.Join(", ", array.Shape)}); the run's phenotypes are {h}x{w}{(c == 1 ? "" : $" with {c} channels")}.");
        if (array.Values.Any(v => !(v >= 0 && v <= 1)))
            throw new UserInputException($"target image '{target}' has values outside [0, 1]; scale it to pixel probabilities first.");
        return torch.tensor(array.Values.Select(v => (float)v).ToArray(), new long[] { 1, c, h, w }, device: run.Device);
    }

    private static IEvolutionStrategy CreateStrategy(EvolveSettings s, int genes, Device device)
    {
        // Search starts at the prior: the genome distribution N(0, I) the decoder was trained on.
        switch (s.Strategy)
        {
            case "ga":
            {
                int n = s.Population ?? 64;
                using var g = new Generator((ulong)Seeds.Derive(s.Seed, 1), device);
                using var start = torch.randn(new long[] { n, genes }, device: device, generator: g);
                return new GeneticAlgorithm(start, new TruncationSelection(0.25), new GaussianMutation(0.1), new UniformCrossover(),
                    eliteCount: 1, seed: s.Seed);
            }
            case "es":
                using (var zeros = torch.zeros(genes, device: device))
                    return new OpenAiEs(zeros, s.Population ?? 64, sigma: 0.1, learningRate: 0.05, seed: s.Seed);
            default:
                using (var zeros = torch.zeros(genes, dtype: ScalarType.Float64, device: device))
                    return new CmaEs(zeros, initialSigma: 1.0, seed: s.Seed, populationSize: s.Population ?? 0);
        }
    }

    private void RunWithProgress(Action<Action<GenerationReport>> evolve, int total, Stopwatch watch) =>
        ProgressDisplay.Run(console, total, 0, report => evolve(r => report(r.Generation, ProgressLine(r, total, watch.Elapsed))));

    internal static string ProgressLine(GenerationReport r, int total, TimeSpan elapsed) =>
        $"generation {r.Generation}/{total}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}  best so far {r.BestSoFar:F3}  {r.Generation / Math.Max(1e-9, elapsed.TotalSeconds):F1} gen/s";
}
