using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Development.Population;
using GenomicCode.Evolution;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// Settings of <see cref="LearningExperiment"/>. Defaults are ours, sized so that both learners finish in a few minutes
/// on 2 CPU cores: a small developmental decoder (16x16 phenotypes, 16 steps) and three target shapes.
/// </summary>
public sealed record LearningOptions : IComponentOptions
{
    /// <summary>
    /// Developmental decoder whose weights are learned, <c>grn</c> or <c>nca</c>, with its options. Default
    /// <see cref="DefaultDecoder"/>: the GRN with 16 steps, 8 genes, 2 morphogens, hidden width 8.
    /// </summary>
    [JsonConverter(typeof(DecoderSpecJson))]
    public ComponentSpec Decoder { get; init; } = DefaultDecoder;

    /// <summary>The default <see cref="Decoder"/>: <see cref="DecoderFor"/> <c>grn</c>.</summary>
    public static ComponentSpec DefaultDecoder => DecoderFor("grn");

    /// <summary>
    /// The experiment's small decoder of kind <paramref name="name"/>: 16 steps, 8 channels, hidden width 8, and for the
    /// GRN 2 morphogens; another name gets that decoder's defaults (and <see cref="Validate"/> refuses it).
    /// </summary>
    public static ComponentSpec DecoderFor(string name) => DecoderCatalog.Catalogue.FindEntry(name).Name switch
    {
        "grn" => DecoderCatalog.Spec("grn", new GrnOptions { Steps = 16, Channels = 8, Morphogens = 2, HiddenSize = 8 }),
        "nca" => DecoderCatalog.Spec("nca", new NcaOptions { Steps = 16, Channels = 8, HiddenSize = 8 }),
        var other => DecoderCatalog.Spec(other),
    };

    /// <summary>
    /// Evolution strategy over the flat weight vector, any of the strategies catalogue with its options; its start is the
    /// decoder's initial weights. Default <c>es</c> (OpenAI-ES) with 32 weight vectors per generation, perturbations of SD
    /// 0.02 and Adam step 0.03 on the mean. For CMA-ES use <c>cma-diagonal</c>: the full covariance is D x D.
    /// </summary>
    [JsonConverter(typeof(StrategySpecJson))]
    public ComponentSpec Strategy { get; init; } = DefaultStrategy;

    /// <summary>The default <see cref="Strategy"/>: OpenAI-ES, population 32, sigma 0.02, learning rate 0.03.</summary>
    public static ComponentSpec DefaultStrategy => StrategyCatalog.Spec("es", new OpenAiEsOptions { Population = 32, Sigma = 0.02, LearningRate = 0.03 });

    /// <summary>Generations of the evolution strategy (1..1000000). Default 150.</summary>
    public int Generations { get; init; } = 150;

    /// <summary>Adam steps of the gradient learner (1..10000000). Default 600.</summary>
    public int Steps { get; init; } = 600;

    /// <summary>Side of the square phenotypes and target shapes (8..64). Default 16.</summary>
    public int Size { get; init; } = 16;

    /// <summary>Target shapes, one fixed genome each (1..<see cref="LearningExperiment.ShapeNames"/> count). Default 3.</summary>
    public int Targets { get; init; } = 3;

    /// <summary>Genome width of the fixed genomes (1..64). Default 4.</summary>
    public int GenomeSize { get; init; } = 4;

    /// <summary>Adam step size of the gradient learner (> 0). Default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Points on each learning curve besides the start (1..10000). Default 30.</summary>
    public int CurvePoints { get; init; } = 30;

    /// <summary>Device of the decoder: cpu, cuda, cuda:N or auto. Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public void Validate()
    {
        if (Decoder?.Name is not ("grn" or "nca")) throw new UserInputException($"Decoder must be grn or nca (a developmental decoder), got '{Decoder?.Name}'.");
        DecoderCatalog.Catalogue.Validate(Decoder, nameof(Decoder));
        StrategyCatalog.Validate(Strategy, nameof(Strategy));
        if (Generations < 1 || Generations > 1_000_000) throw new UserInputException($"Generations must be in [1, 1000000], got {Generations}.");
        if (Steps < 1 || Steps > 10_000_000) throw new UserInputException($"Steps must be in [1, 10000000], got {Steps}.");
        if (Size < 8 || Size > 64) throw new UserInputException($"Size must be in [8, 64], got {Size}.");
        if (Targets < 1 || Targets > LearningExperiment.ShapeNames.Count)
            throw new UserInputException($"Targets must be in [1, {LearningExperiment.ShapeNames.Count}] (shapes: {string.Join(", ", LearningExperiment.ShapeNames)}), got {Targets}.");
        if (GenomeSize < 1 || GenomeSize > 64) throw new UserInputException($"GenomeSize must be in [1, 64], got {GenomeSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new UserInputException($"LearningRate must be finite and > 0, got {LearningRate}.");
        if (CurvePoints < 1 || CurvePoints > 10_000) throw new UserInputException($"CurvePoints must be in [1, 10000], got {CurvePoints}.");
        Guard.NotEmpty(Device);
    }
}

/// <summary>The points of a learning curve: the loss of the learner's current weights against the decoder evaluations spent.</summary>
/// <param name="Evaluations">Decoder evaluations spent (one evaluation develops all target genomes once, in one batch).</param>
/// <param name="Loss">Loss of the learner's current weights (gradient: the weights; evolution: the strategy's mean).</param>
/// <param name="Seconds">Wall time spent learning (curve evaluations excluded).</param>
public sealed record LearningCurvePoints(long[] Evaluations, double[] Loss, double[] Seconds);

/// <summary>One learner's curve and where it ended.</summary>
/// <param name="Learner">Name (<c>gradient</c> or the strategy's name, for example <c>OpenAI-ES</c>).</param>
/// <param name="Curve">The curve, from the shared initial weights (0 evaluations) on.</param>
public sealed record LearningCurve(
    [property: JsonPropertyName("learner")] string Learner,
    [property: JsonPropertyName("curve")] LearningCurvePoints Curve)
{
    /// <summary>Loss at the end of the curve.</summary>
    [JsonPropertyName("final_loss")]
    public double FinalLoss => Curve.Loss[^1];

    /// <summary>Decoder evaluations spent in all.</summary>
    [JsonPropertyName("evaluations")]
    public long Evaluations => Curve.Evaluations[^1];

    /// <summary>Seconds spent learning in all.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds => Curve.Seconds[^1];
}

/// <summary>What <c>LearningExperiment.Run</c> measured, as written to learning.json.</summary>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Device">Device the decoder ran on.</param>
/// <param name="ParameterCount">D: trainable values of the decoder (the length of the evolved vector).</param>
/// <param name="Shapes">Names of the target shapes, in order.</param>
/// <param name="InitialLoss">Loss of the shared initial weights.</param>
/// <param name="Gradient">Curve of the gradient learner (Adam through the unrolled development).</param>
/// <param name="Evolution">Curve of the evolution strategy.</param>
/// <param name="SecondsTotal">Wall time of the whole run, curve evaluations included.</param>
/// <param name="Size">Side of the square phenotypes.</param>
/// <param name="Targets">Target pixels, K x Size x Size row-major.</param>
/// <param name="GradientPhenotypes">Phenotype probabilities grown by the gradient-trained decoder, K x Size x Size.</param>
/// <param name="EvolvedPhenotypes">Phenotype probabilities grown by the evolved decoder (the strategy's final mean), K x Size x Size.</param>
public sealed record LearningResult(
    [property: JsonPropertyName("options")] LearningOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("parameters")] int ParameterCount,
    [property: JsonPropertyName("shapes")] IReadOnlyList<string> Shapes,
    [property: JsonPropertyName("initial_loss")] double InitialLoss,
    [property: JsonPropertyName("gradient")] LearningCurve Gradient,
    [property: JsonPropertyName("evolution")] LearningCurve Evolution,
    [property: JsonPropertyName("seconds_total")] double SecondsTotal,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("targets")] float[] Targets,
    [property: JsonPropertyName("gradient_phenotypes")] float[] GradientPhenotypes,
    [property: JsonPropertyName("evolved_phenotypes")] float[] EvolvedPhenotypes) : IExperimentResult
{
    /// <summary>How each generation developed: the population implementation's name (<c>torch</c>, <c>ilgpu</c>, <c>loop</c>).</summary>
    [JsonPropertyName("backend")]
    public string Backend { get; init; } = "torch";

    /// <summary>Final loss of the gradient learner.</summary>
    [JsonIgnore]
    public double GradientFinalLoss => Gradient.FinalLoss;

    /// <summary>Final loss of the evolution strategy.</summary>
    [JsonIgnore]
    public double EvolutionFinalLoss => Evolution.FinalLoss;
}

/// <summary>
/// Evolution as the learning algorithm (Mitchell and Cheney 2024): a developmental decoder with fixed genomes learns to
/// grow a few target shapes twice from the same initial weights, once by gradient descent (Adam, Kingma and Ba 2015,
/// through the unrolled development) and once by an evolution strategy over its flattened weight vector
/// (<see cref="ParameterVector"/>; any strategy of the catalogue, by default OpenAI-ES, Salimans et al. 2017). Both are
/// measured on one axis: decoder evaluations (a gradient step costs one, plus its backward pass; a generation costs
/// one per individual) and wall time. The loss is the Bernoulli negative log-likelihood per pixel (binary cross-entropy
/// with logits; Kingma and Welling 2014, appendix C.1), averaged over pixels and targets.
/// </summary>
public static class LearningExperiment
{
    /// <summary>The catalogue entry <c>learning</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<LearningOptions, LearningResult>("learning",
        "A developmental decoder learns target shapes by gradient descent and by an evolution strategy over its own weights.",
        "Mitchell and Cheney 2024 (evolution as the learning algorithm); Salimans et al. 2017", "learning.json",
        (options, seed, progress, cancellationToken) => Run(options, seed, progress, cancellationToken));

    /// <summary>The procedural target shapes, in the order they are used.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = new[] { "square", "disc", "cross", "ring" };

    private static readonly object InitLock = new();

    /// <summary>
    /// Centred binary shapes (K, 1, S, S) for the first <paramref name="count"/> of <see cref="ShapeNames"/>, from
    /// pixel-centre coordinates u, v in (-1, 1): square max(|u|, |v|) &lt;= 0.5; disc u^2 + v^2 &lt;= 0.6^2; cross: a bar
    /// |u| &lt;= 0.2, |v| &lt;= 0.75 or its transpose; ring 0.4 &lt;= r &lt;= 0.75.
    /// </summary>
    public static Tensor Shapes(int count, int size, Device? device = null)
    {
        if (count < 1 || count > ShapeNames.Count) throw new UserInputException($"shape count must be in [1, {ShapeNames.Count}], got {count}.");
        if (size < 1) throw new UserInputException($"shape size must be >= 1, got {size}.");
        using var scope = torch.NewDisposeScope();
        var c = ScalarMath.Arange(size, ScalarType.Float32, device).Add(0.5).Div(size / 2f).Sub(1.0); // (S) pixel centres in (-1, 1)
        var v = c.view(size, 1).expand(size, size);                                                     // (S, S) row coordinate
        var u = c.view(1, size).expand(size, size);                                                     // (S, S) column coordinate
        var au = u.abs();
        var av = v.abs();
        var r = u.Square().Plus(v.Square()).sqrt();
        var all = new[]
        {
            torch.maximum(au, av).Le(0.5),
            r.Le(0.6),
            au.Le(0.2).logical_and(av.Le(0.75)).logical_or(av.Le(0.2).logical_and(au.Le(0.75))),
            r.Ge(0.4).logical_and(r.Le(0.75)),
        };
        return torch.stack(all.Take(count), dim: 0).unsqueeze(1).to(ScalarType.Float32).MoveToOuterDisposeScope(); // (K, 1, S, S)
    }

    /// <summary>
    /// Mean Bernoulli negative log-likelihood per pixel of targets (K, C, H, W) under logits (K, C, H, W): binary
    /// cross-entropy with logits (Kingma and Welling 2014, appendix C.1), averaged over every pixel and target. Scalar.
    /// </summary>
    public static Tensor Loss(Tensor logits, Tensor targets) =>
        nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.Mean);

    /// <summary>
    /// Builds the decoder and targets from <paramref name="options"/> and runs both learners (see
    /// <see cref="Run(GenomeDecoder, Tensor, Tensor, LearningOptions, long, IProgress{ExperimentProgress}?, CancellationToken, IPopulationBackend?)"/>).
    /// </summary>
    public static LearningResult Run(LearningOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default, IPopulationBackend? backend = null)
    {
        options.Validate();
        var device = Devices.Parse(options.Device);
        GenomeDecoder decoder;
        lock (InitLock) // module initialisers draw from torch's global generator
        {
            torch.random.manual_seed(Seeds.DeriveNonNegative(seed, 1));
            decoder = DecoderCatalog.Create(options.Decoder, new DecoderContext(options.GenomeSize, (1, options.Size, options.Size)));
        }
        using (decoder)
        {
            decoder.to(device);
            using var generator = Seeds.Generator(device, seed, 2);
            using var genomes = torch.randn(new long[] { options.Targets, options.GenomeSize }, device: device, generator: generator); // (K, G) fixed
            using var targets = Shapes(options.Targets, options.Size, device);                                                     // (K, 1, S, S)
            return Run(decoder, genomes, targets, options, seed, progress, cancellationToken, backend);
        }
    }

    /// <summary>
    /// Runs both learners on <paramref name="decoder"/>, each from the decoder's current weights (restored before the
    /// second learner; left at the evolved weights afterwards). Gradient: <see cref="LearningOptions.Steps"/> Adam steps,
    /// each developing all genomes once (fresh developmental randomness per step). Evolution:
    /// <see cref="LearningOptions.Generations"/> generations; each generation develops every individual's weights on all
    /// genomes in one population call (<paramref name="backend"/>, TorchSharp by default; see
    /// <see cref="IPopulationDecoder"/>), with the same developmental randomness for every individual of a generation
    /// (common random numbers). Curve points evaluate the current weights with a fixed developmental seed and
    /// are not counted in evaluations or seconds. One dispose scope per step or generation.
    /// </summary>
    /// <param name="decoder">A developmental decoder; its trainable parameters are learned.</param>
    /// <param name="genomes">Fixed genomes (K, G), one per target.</param>
    /// <param name="targets">Target phenotypes (K, C, H, W) in [0, 1].</param>
    /// <param name="options">Budgets, step sizes and the strategy (its decoder fields are not used here).</param>
    /// <param name="seed">Seed of developmental randomness and of the strategy.</param>
    /// <param name="progress">Reports every step and generation (Total = Steps + Generations).</param>
    /// <param name="cancellationToken">Stops between steps or generations with <see cref="OperationCanceledException"/>.</param>
    /// <param name="backend">Develops each generation's population; null: <see cref="PopulationDevelopment.Torch"/>.</param>
    public static LearningResult Run(GenomeDecoder decoder, Tensor genomes, Tensor targets, LearningOptions options, long seed,
        IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default, IPopulationBackend? backend = null)
    {
        options.Validate();
        if (genomes.dim() != 2 || genomes.shape[1] != decoder.GenomeSize)
            throw new UserInputException($"genomes must be (K, {decoder.GenomeSize}), got ({string.Join(", ", genomes.shape)}).");
        var (c, h, w) = decoder.PhenotypeShape;
        if (targets.dim() != 4 || targets.shape[0] != genomes.shape[0] || targets.shape[1] != c || targets.shape[2] != h || targets.shape[3] != w)
            throw new UserInputException($"targets must be ({genomes.shape[0]}, {c}, {h}, {w}): one phenotype per genome, got ({string.Join(", ", targets.shape)}).");

        var total = Stopwatch.StartNew();
        using var outer = torch.NewDisposeScope(); // intermediates outside the per-step scopes (the result holds plain arrays)
        var vector = new ParameterVector(decoder);
        using var initial = vector.Read();
        using var evalGenerator = Seeds.Generator(genomes.device, seed, 3);
        var steps = new StepCounter(progress, options.Steps + (long)options.Generations);

        double CurveLoss()
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            decoder.eval();
            evalGenerator.manual_seed(Seeds.DeriveNonNegative(seed, 3));
            return Loss(decoder.Decode(genomes, evalGenerator), targets).item<float>();
        }

        double initialLoss = CurveLoss();
        var gradient = TrainByGradient(decoder, genomes, targets, options, seed, CurveLoss, initialLoss, steps, cancellationToken);
        float[] gradientPhenotypes = Phenotypes(decoder, genomes, evalGenerator, seed);

        vector.Write(initial);
        LearningCurve evolution;
        string backendName;
        using (var population = (backend ?? PopulationDevelopment.Torch).Create(decoder))
        {
            backendName = population.Backend;
            evolution = TrainByEvolution(decoder, vector, population, genomes, targets, options, seed, CurveLoss, initialLoss, steps, cancellationToken);
        }
        float[] evolvedPhenotypes = Phenotypes(decoder, genomes, evalGenerator, seed);
        float[] targetPixels;
        using (var t = targets.narrow(1, 0, 1).to(ScalarType.Float32).cpu()) targetPixels = t.data<float>().ToArray();
        var names = targets.shape[0] <= ShapeNames.Count ? ShapeNames.Take((int)targets.shape[0]).ToArray()
            : Enumerable.Range(0, (int)targets.shape[0]).Select(i => $"target {i}").ToArray();
        return new LearningResult(options, seed, genomes.device.ToString(), (int)vector.Length, names, initialLoss, gradient, evolution,
            total.Elapsed.TotalSeconds, h, targetPixels, gradientPhenotypes, evolvedPhenotypes) { Backend = backendName };
    }

    private static LearningCurve TrainByGradient(GenomeDecoder decoder, Tensor genomes, Tensor targets, LearningOptions options, long seed,
        Func<double> curveLoss, double initialLoss, StepCounter steps, CancellationToken cancel)
    {
        var parameters = decoder.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = new HeldScalarOptimizers.Adam(parameters, options.LearningRate);
        using var noise = Seeds.Generator(genomes.device, seed, 4);
        var curve = new CurveBuilder("gradient", initialLoss);
        long every = Math.Max(1, options.Steps / options.CurvePoints);
        var watch = new Stopwatch();
        for (int step = 1; step <= options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            watch.Start();
            double loss;
            using (var scope = torch.NewDisposeScope())
            {
                decoder.train();
                noise.manual_seed(Seeds.DeriveNonNegative(seed, 4, step));
                optimizer.zero_grad();
                var l = Loss(decoder.Decode(genomes, noise), targets); // one batched development of all genomes
                l.backward();                                          // through the unrolled development
                optimizer.step();
                loss = l.item<float>();
            }
            watch.Stop();
            if (!double.IsFinite(loss))
                throw new UserInputException($"the gradient learner's loss is not finite at step {step}; lower the learning rate (now {options.LearningRate}).");
            if (step % every == 0 || step == options.Steps) curve.Add(step, curveLoss(), watch.Elapsed.TotalSeconds);
            steps.Advance($"gradient: {step} evaluations, loss {loss:F4}");
        }
        decoder.zero_grad();
        return curve.Build();
    }

    private static LearningCurve TrainByEvolution(GenomeDecoder decoder, ParameterVector vector, IPopulationDecoder developer, Tensor genomes, Tensor targets,
        LearningOptions options, long seed, Func<double> curveLoss, double initialLoss, StepCounter steps, CancellationToken cancel)
    {
        using var start = vector.Read();
        using var strategy = StrategyCatalog.Create(options.Strategy, start, seed);
        string name = strategy.Name;
        using var noise = Seeds.Generator(genomes.device, seed, 5);
        var curve = new CurveBuilder(name, initialLoss);
        long every = Math.Max(1, options.Generations / options.CurvePoints);
        var watch = new Stopwatch();
        long evaluations = 0;

        Tensor Fitness(Tensor population)
        {
            var losses = EvaluatePopulation(decoder, developer, genomes, targets, population, noise, Seeds.DeriveNonNegative(seed, 5, evaluations));
            evaluations += population.shape[0];
            return -losses;
        }

        void OnGeneration(GenerationReport report)
        {
            watch.Stop();
            long generation = report.Generation;
            if (generation % every == 0 || generation == options.Generations)
            {
                using var mean = strategy.Mean;
                vector.Write(mean);
                curve.Add(evaluations, curveLoss(), watch.Elapsed.TotalSeconds);
            }
            steps.Advance($"{name}: {evaluations} evaluations, loss {-report.BestFitness:F4}");
            watch.Start();
        }

        watch.Start();
        Evolver.Run(strategy, Fitness, options.Generations, OnGeneration, cancel);
        watch.Stop();
        cancel.ThrowIfCancellationRequested();
        using (var mean = strategy.Mean) vector.Write(mean); // the learner's weights: the centre of the search
        return curve.Build();
    }

    /// <summary>
    /// Loss (P) of each weight vector of <paramref name="population"/> (P, D): every individual develops all genomes in
    /// one population call, with the developmental randomness of <paramref name="developmentSeed"/> shared by every
    /// individual (common random numbers within a generation). The decoder keeps its weights.
    /// </summary>
    private static Tensor EvaluatePopulation(GenomeDecoder decoder, IPopulationDecoder developer, Tensor genomes, Tensor targets, Tensor population,
        Generator noise, long developmentSeed)
    {
        decoder.train();                                           // as the decoder's own development would run
        noise.manual_seed(developmentSeed);
        using var _ = torch.no_grad();
        var phenotypes = developer.Develop(population, genomes, PopulationRandomness.Common(noise)); // (P, K, C, H, W): one call
        return PopulationLoss(phenotypes, targets).to(ScalarType.Float64, population.device);
    }

    /// <summary>
    /// <see cref="Loss"/> of every individual of a population: logits (P, K, C, H, W) against targets (K, C, H, W),
    /// averaged over each individual's pixels and targets. (P).
    /// </summary>
    public static Tensor PopulationLoss(Tensor logits, Tensor targets) =>
        nn.functional.binary_cross_entropy_with_logits(logits, targets.expand_as(logits), reduction: nn.Reduction.None).flatten(1).mean(new long[] { 1 });

    private static float[] Phenotypes(GenomeDecoder decoder, Tensor genomes, Generator generator, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        decoder.eval();
        generator.manual_seed(Seeds.DeriveNonNegative(seed, 3));
        var p = torch.sigmoid(decoder.Decode(genomes, generator)).narrow(1, 0, 1); // (K, 1, H, W): first channel
        return p.to(ScalarType.Float32).cpu().data<float>().ToArray();
    }

    private sealed class CurveBuilder(string learner, double initialLoss)
    {
        private readonly List<long> evaluations = new() { 0 };
        private readonly List<double> loss = new() { initialLoss };
        private readonly List<double> seconds = new() { 0 };

        public void Add(long evaluationsSoFar, double value, double secondsSoFar)
        {
            evaluations.Add(evaluationsSoFar);
            loss.Add(value);
            seconds.Add(secondsSoFar);
        }

        public LearningCurve Build() => new(learner, new LearningCurvePoints(evaluations.ToArray(), loss.ToArray(), seconds.ToArray()));
    }
}
