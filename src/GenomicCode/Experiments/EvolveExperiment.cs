using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Evolution;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="EvolveExperiment"/>.</summary>
public sealed record EvolveOptions : IComponentOptions
{
    /// <summary>Run folder whose decoder develops the genomes (for <c>Run(options, seed, ...)</c>); null when a model is passed in.</summary>
    public string? Run { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting. Default null.</summary>
    public string? Device { get; init; }

    /// <summary>
    /// The phenotype to match: an index into the run's sprites world (0 to 737279), or the path of a .npy image in [0, 1]
    /// of the run's phenotype shape. With a model and target passed in, only a label.
    /// </summary>
    public string Target { get; init; } = "0";

    /// <summary>
    /// The evolution strategy with its options; its search starts at genome 0, the centre of the N(0, I) prior the decoder
    /// was trained on. Default <c>cma</c> (CMA-ES, population 4 + 3 ln G, initial step size 1).
    /// </summary>
    [JsonConverter(typeof(StrategySpecJson))]
    public ComponentSpec Strategy { get; init; } = StrategyCatalog.Spec("cma");

    /// <summary>Generations to evolve, >= 1. Default 150.</summary>
    public int Generations { get; init; } = 150;

    /// <summary>
    /// What evolution minimises: "bernoulli" (negative log-likelihood in nats, the VAE's reconstruction term) or "mse".
    /// Default "bernoulli".
    /// </summary>
    public string Loss { get; init; } = "bernoulli";

    /// <summary>
    /// Nucleotide runs: expected point substitutions per genome per generation (> 0); each locus mutates with probability
    /// Substitutions / L. Default 1.
    /// </summary>
    public double Substitutions { get; init; } = 1;

    /// <summary>
    /// Whether fitness includes the prior term log p(z) of the N(0, I) genome prior (the MAP objective, log p(x | z) +
    /// log p(z)), so that evolution and the encoder are compared under one objective. Needs the Bernoulli loss (nats).
    /// Default true.
    /// </summary>
    public bool Prior { get; init; } = true;

    /// <inheritdoc />
    public void Validate()
    {
        Guard.NotEmpty(Target);
        if (!(Substitutions > 0) || double.IsInfinity(Substitutions)) throw new UserInputException($"Substitutions must be a finite number > 0, got {Substitutions}.");
        StrategyCatalog.Validate(Strategy, nameof(Strategy));
        if (Generations < 1) throw new UserInputException($"Generations must be >= 1, got {Generations}.");
        if (Loss is not ("bernoulli" or "mse")) throw new UserInputException($"Loss must be bernoulli or mse, got '{Loss}'.");
        if (Prior && Loss == "mse")
            throw new UserInputException("Prior (the MAP objective, in nats) needs Loss bernoulli; set Prior false (--no-prior) to evolve on the mean squared error.");
    }
}

/// <summary>A genome and how well the phenotype it develops matches the target.</summary>
/// <param name="Nll">Bernoulli negative log-likelihood of the target under the phenotype, in nats.</param>
/// <param name="Mse">Mean squared error per pixel.</param>
/// <param name="Genome">The genome (G).</param>
/// <param name="Phenotype">Its phenotype probabilities (C x H x W, row-major).</param>
/// <param name="NegLogPrior">-log p(z) of the genome under the N(0, I) prior, in nats (NaN in files written without it).</param>
public sealed record GenomeMatch(double Nll, double Mse, double[] Genome, float[] Phenotype,
    [property: JsonPropertyName("neg_log_prior")] double NegLogPrior = double.NaN)
{
    /// <summary>The MAP loss -log p(x | z) - log p(z) = Nll + NegLogPrior, in nats.</summary>
    [JsonPropertyName("map_loss")]
    public double MapLoss => Nll + NegLogPrior;
}

/// <summary>
/// The amortisation gap of point estimates: the encoder's loss minus the evolved genome's, in nats, under each objective
/// (positive: evolution found a better genome than the encoder proposed).
/// </summary>
/// <param name="Likelihood">Encoder minus evolved Bernoulli NLL, -log p(x | z).</param>
/// <param name="Map">Encoder minus evolved MAP loss, -log p(x | z) - log p(z).</param>
/// <param name="Objective">The objective evolution optimised: "map" or "likelihood"; the gap under it is the fair comparison.</param>
public sealed record AmortisationGap(
    [property: JsonPropertyName("likelihood")] double Likelihood,
    [property: JsonPropertyName("map")] double Map,
    [property: JsonPropertyName("objective")] string Objective);

/// <summary>What <see cref="EvolveExperiment"/> measured, as written to evolve.json.</summary>
/// <param name="Run">The run folder, or null for a model passed in.</param>
/// <param name="Step">The run's training step, or null.</param>
/// <param name="Target">The target as given (an index or a file).</param>
/// <param name="Strategy">Catalogue name of the strategy.</param>
/// <param name="Population">Individuals per generation.</param>
/// <param name="Generations">Generations run.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Loss">The loss evolution minimised.</param>
/// <param name="Seconds">Wall time of the evolution.</param>
/// <param name="Encoder">The encoder's posterior mean for the target and its phenotype.</param>
/// <param name="Evolved">The best evolved genome and its phenotype.</param>
/// <param name="GenerationsToBeatEncoder">First generation whose best genome beat the encoder's loss; null if none did.</param>
/// <param name="BestFitness">Best fitness (minus the loss) per generation.</param>
/// <param name="MeanFitness">Mean fitness per generation.</param>
/// <param name="BestSoFar">Best fitness of any generation so far, per generation.</param>
/// <param name="PhenotypeShape">Channels, height and width of a phenotype.</param>
/// <param name="TargetPhenotype">The target's pixels (C x H x W, row-major).</param>
/// <param name="Options">Settings used.</param>
/// <param name="GenomeKind">The run's latent genome: <c>gaussian</c>, or <c>nucleotide</c> (genomes are base indices 0..3, evolved as DNA).</param>
/// <param name="EncoderSequence">Nucleotide runs: the encoder's most probable genome as ACGT text; null otherwise.</param>
/// <param name="EvolvedSequence">Nucleotide runs: the best evolved genome as ACGT text; null otherwise.</param>
/// <param name="Differences">Nucleotide runs: loci where the evolved genome differs from the encoder's; null otherwise.</param>
public sealed record EvolveResult(
    [property: JsonPropertyName("run")] string? Run,
    [property: JsonPropertyName("step")] long? Step,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("population")] int Population,
    [property: JsonPropertyName("generations")] int Generations,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("loss")] string Loss,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("encoder")] GenomeMatch Encoder,
    [property: JsonPropertyName("evolved")] GenomeMatch Evolved,
    [property: JsonPropertyName("generations_to_beat_encoder")] int? GenerationsToBeatEncoder,
    [property: JsonPropertyName("best_fitness")] double[] BestFitness,
    [property: JsonPropertyName("mean_fitness")] double[] MeanFitness,
    [property: JsonPropertyName("best_so_far")] double[] BestSoFar,
    [property: JsonPropertyName("phenotype_shape")] int[] PhenotypeShape,
    [property: JsonPropertyName("target_phenotype")] float[] TargetPhenotype,
    [property: JsonPropertyName("options")] EvolveOptions Options,
    [property: JsonPropertyName("genome_kind")] string GenomeKind = "gaussian",
    [property: JsonPropertyName("encoder_sequence")] string? EncoderSequence = null,
    [property: JsonPropertyName("evolved_sequence")] string? EvolvedSequence = null,
    [property: JsonPropertyName("differences")] int? Differences = null) : IExperimentResult
{
    /// <summary>Developments until evolution beat the encoder (generations x population), or null.</summary>
    [JsonPropertyName("developments_to_beat_encoder")]
    public int? DevelopmentsToBeatEncoder => GenerationsToBeatEncoder * Population;

    /// <summary>The encoder's fitness (minus its loss under <see cref="Loss"/> and the prior term), to compare with the fitness curves.</summary>
    [JsonIgnore]
    public double EncoderFitness => -(Loss == "mse" ? Encoder.Mse : Options.Prior ? Encoder.MapLoss : Encoder.Nll);

    /// <summary>The objective evolution optimised: "map" (likelihood and prior), "likelihood" (Bernoulli NLL alone) or "mse".</summary>
    [JsonPropertyName("objective")]
    public string Objective => Loss == "mse" ? "mse" : Options.Prior ? "map" : "likelihood";

    /// <summary>Encoder minus evolved loss in nats under the likelihood and under the MAP objective.</summary>
    [JsonPropertyName("amortisation_gap")]
    public AmortisationGap AmortisationGap => new(Encoder.Nll - Evolved.Nll, Encoder.MapLoss - Evolved.MapLoss, Objective);
}

/// <summary>
/// Amortised vs evolved encoding (Mitchell and Cheney 2024: the VAE encoder is a fast surrogate for evolution): evolves a
/// genome through a trained decoder so that its phenotype matches a target (<see cref="EvolvedEncoding"/>) and compares it
/// with the genome the encoder proposes in one shot.
/// </summary>
public static class EvolveExperiment
{
    /// <summary>The catalogue entry <c>evolve</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<EvolveOptions, EvolveResult>("evolve",
        "Evolves a genome through a trained decoder to match a target phenotype; compares it with the encoder's one-shot posterior mean.",
        "Mitchell and Cheney 2024 (the encoder as a surrogate for evolution)", "evolve.json", Run);

    /// <summary>Runs on the run folder <see cref="EvolveOptions.Run"/>, with its target read by <see cref="ReadTarget"/>.</summary>
    public static EvolveResult Run(EvolveOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var run = RunInput.Load(options.Run, options.Device);
        using var target = ReadTarget(options.Target, run.Data, run.Device);
        var result = Run(run.Model, target, options, seed, progress, cancellationToken);
        return result with { Run = run.Run.Path, Step = run.Header.Step };
    }

    /// <summary>
    /// Evolves a genome through <paramref name="model"/>'s decoder to match <paramref name="target"/> (1, C, H, W) in [0, 1],
    /// starting the strategy at genome 0, and compares it with the model's posterior mean for the target.
    /// </summary>
    public static EvolveResult Run(GenomeVae model, Tensor target, EvolveOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (target.dim() != 4 || target.shape[0] != 1)
            throw new UserInputException($"the target phenotype must be (1, C, H, W), got ({string.Join(", ", target.shape)}).");
        if (model.Latent is NucleotideLatent dna) return RunDna(model, dna, target, options, seed, progress, cancellationToken);
        using var scope = torch.NewDisposeScope();
        Tensor encoderGenome;
        using (torch.no_grad()) encoderGenome = model.Encode(target).squeeze(0);                       // (G)
        using var start = torch.zeros(encoderGenome.shape[0], device: target.device);                   // the prior's centre
        using var strategy = StrategyCatalog.Create(options.Strategy, start, seed);
        var loss = options.Loss == "mse" ? PhenotypeLoss.Mse : PhenotypeLoss.Bernoulli;
        var steps = new StepCounter(progress, options.Generations);
        var watch = Stopwatch.StartNew();
        var result = EvolvedEncoding.Run(strategy, model.Develop, target, encoderGenome, options.Generations, loss, ScalarType.Float32,
            r => steps.Advance(string.Create(CultureInfo.InvariantCulture,
                $"generation {r.Generation}/{options.Generations}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}  best so far {r.BestSoFar:F3}  {r.Generation / Math.Max(1e-9, watch.Elapsed.TotalSeconds):F1} gen/s")),
            cancellationToken, options.Prior);
        double seconds = watch.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        float[] targetPixels;
        using (var t = target.to(ScalarType.Float32).cpu()) targetPixels = t.data<float>().ToArray();
        return new EvolveResult(null, null, options.Target, options.Strategy.Name, strategy.PopulationSize, result.Reports.Count, seed,
            options.Loss, seconds,
            new GenomeMatch(result.EncoderNll, result.EncoderMse, result.EncoderGenome, result.EncoderPhenotype, result.EncoderNegLogPrior),
            new GenomeMatch(result.EvolvedNll, result.EvolvedMse, result.EvolvedGenome, result.EvolvedPhenotype, result.EvolvedNegLogPrior),
            result.GenerationsToBeatEncoder, result.Reports.Select(r => r.BestFitness).ToArray(), result.Reports.Select(r => r.MeanFitness).ToArray(),
            result.Reports.Select(r => r.BestSoFar).ToArray(), target.shape.Skip(1).Select(d => (int)d).ToArray(), targetPixels, options);
    }

    /// <summary>
    /// Evolution at the sequence level: a genetic algorithm over DNA (base indices (N, L)) starting from random sequences
    /// (the uniform prior), with truncation selection (the best quarter), one-point crossover, point substitutions at
    /// rate <see cref="EvolveOptions.Substitutions"/> / L per locus (Jukes-Cantor, <see cref="NucleotideSubstitution"/>)
    /// and one elite; every genome develops through the run's decoder. Compared with the encoder's most probable genome.
    /// The population is the strategy options' population, or 64 when they leave it to the strategy. The objective is the
    /// likelihood: the uniform prior adds the same L ln 4 nats to every genome.
    /// </summary>
    private static EvolveResult RunDna(GenomeVae model, NucleotideLatent dna, Tensor target, EvolveOptions options, long seed,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        using var scope = torch.NewDisposeScope();
        Tensor encoderGenome;
        using (torch.no_grad()) encoderGenome = dna.MostProbable(model.Posterior(target)).squeeze(0);   // (L) base indices
        int population = options.Strategy.Options is IStrategyOptions { Population: > 1 } so ? so.Population : 64;
        Tensor first;
        using (var generator = Seeds.Generator(target.device, seed, 1))
            first = torch.randint(0, 4, new long[] { population, dna.Loci }, dtype: ScalarType.Int64, device: target.device, generator: generator);
        using var strategy = new GeneticAlgorithm(first, new TruncationSelection(0.25), new NucleotideSubstitution(Math.Min(1, options.Substitutions / dna.Loci)),
            new OnePointCrossover(), eliteCount: 1, seed);
        var loss = options.Loss == "mse" ? PhenotypeLoss.Mse : PhenotypeLoss.Bernoulli;
        var steps = new StepCounter(progress, options.Generations);
        var watch = Stopwatch.StartNew();
        var result = EvolvedEncoding.Run(strategy, g => model.Develop(dna.FromIndices(g)), target, encoderGenome, options.Generations, loss, ScalarType.Int64,
            r => steps.Advance(string.Create(CultureInfo.InvariantCulture,
                $"generation {r.Generation}/{options.Generations}  best {r.BestFitness:F3}  mean {r.MeanFitness:F3}  best so far {r.BestSoFar:F3}  {r.Generation / Math.Max(1e-9, watch.Elapsed.TotalSeconds):F1} gen/s")),
            cancellationToken);
        double seconds = watch.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        float[] targetPixels;
        using (var t = target.to(ScalarType.Float32).cpu()) targetPixels = t.data<float>().ToArray();
        // Under the uniform prior every sequence has -log p(z) = L ln 4, so the MAP objective ranks genomes as the
        // likelihood does: evolution runs on the likelihood and the result says so (Prior false).
        double uniform = dna.Loci * Math.Log(4);
        string encoderText = ToSequence(result.EncoderGenome), evolvedText = ToSequence(result.EvolvedGenome);
        int differences = encoderText.Zip(evolvedText).Count(p => p.First != p.Second);
        return new EvolveResult(null, null, options.Target, "genetic algorithm (point substitution, one-point crossover)", strategy.PopulationSize,
            result.Reports.Count, seed, options.Loss, seconds,
            new GenomeMatch(result.EncoderNll, result.EncoderMse, result.EncoderGenome, result.EncoderPhenotype, uniform),
            new GenomeMatch(result.EvolvedNll, result.EvolvedMse, result.EvolvedGenome, result.EvolvedPhenotype, uniform),
            result.GenerationsToBeatEncoder, result.Reports.Select(r => r.BestFitness).ToArray(), result.Reports.Select(r => r.MeanFitness).ToArray(),
            result.Reports.Select(r => r.BestSoFar).ToArray(), target.shape.Skip(1).Select(d => (int)d).ToArray(), targetPixels, options with { Prior = false },
            "nucleotide", encoderText, evolvedText, differences);
    }

    private static string ToSequence(double[] indices) => new(indices.Select(i => NucleotideGenome.Alphabet[(int)Math.Round(i)]).ToArray());

    /// <summary>
    /// A target phenotype (1, C, H, W) on <paramref name="device"/>: an index into <paramref name="data"/> when it is the
    /// sprites world, or a .npy image in [0, 1] of the data's observation shape (leading axes of length 1 ignored).
    /// </summary>
    public static Tensor ReadTarget(string target, IGroundTruthData data, Device device)
    {
        var (c, h, w) = data.ObservationShape;
        if (long.TryParse(target, NumberStyles.Integer, CultureInfo.InvariantCulture, out long index))
        {
            if (data is not SpritesWorld sprites) throw new UserInputException("an index target needs the sprites world; pass a .npy image instead.");
            if (index < 0 || index >= sprites.Count)
                throw new UserInputException($"target index {index} is out of range [0, {sprites.Count - 1}] of the sprites world.");
            using var scope = torch.NewDisposeScope();
            return sprites.RenderIndices(new[] { index }, device).to(ScalarType.Float32).MoveToOuterDisposeScope();
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
        return torch.tensor(array.Values.Select(v => (float)v).ToArray(), new long[] { 1, c, h, w }, device: device);
    }
}
