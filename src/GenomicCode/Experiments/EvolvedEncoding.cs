using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>How a developed phenotype is compared with its target.</summary>
public enum PhenotypeLoss
{
    /// <summary>Bernoulli negative log-likelihood summed over pixels, in nats (the VAE's reconstruction term).</summary>
    Bernoulli,
    /// <summary>Mean squared error per pixel.</summary>
    Mse,
}

/// <summary>What <see cref="EvolvedEncoding.Run"/> measured: the encoder's one-shot genome against the evolved one.</summary>
/// <param name="Loss">The loss evolution minimised (plus -log p(z) when <paramref name="Prior"/>).</param>
/// <param name="EncoderNll">Bernoulli NLL (nats) of the phenotype developed from the encoder's posterior mean.</param>
/// <param name="EncoderMse">Mean squared error of that phenotype.</param>
/// <param name="EvolvedNll">Bernoulli NLL (nats) of the phenotype developed from the best evolved genome.</param>
/// <param name="EvolvedMse">Mean squared error of that phenotype.</param>
/// <param name="GenerationsToBeatEncoder">First generation whose best genome has a lower loss than the encoder's; null if none did.</param>
/// <param name="Reports">Best and mean fitness (= minus the loss) per generation.</param>
/// <param name="EncoderGenome">The encoder's posterior mean (G).</param>
/// <param name="EvolvedGenome">The best evolved genome (G).</param>
/// <param name="EncoderPhenotype">Phenotype probabilities developed from the encoder's genome (C x H x W, row-major).</param>
/// <param name="EvolvedPhenotype">Phenotype probabilities developed from the evolved genome (C x H x W, row-major).</param>
/// <param name="Prior">Whether fitness included the prior term log p(z) (the MAP objective).</param>
/// <param name="EncoderNegLogPrior">-log p(z) of the encoder's genome under the N(0, I) prior, in nats.</param>
/// <param name="EvolvedNegLogPrior">-log p(z) of the evolved genome, in nats.</param>
public sealed record EvolvedEncodingResult(PhenotypeLoss Loss, double EncoderNll, double EncoderMse, double EvolvedNll, double EvolvedMse,
    int? GenerationsToBeatEncoder, IReadOnlyList<GenerationReport> Reports, double[] EncoderGenome, double[] EvolvedGenome,
    float[] EncoderPhenotype, float[] EvolvedPhenotype, bool Prior = false, double EncoderNegLogPrior = double.NaN, double EvolvedNegLogPrior = double.NaN);

/// <summary>
/// Amortised vs evolved encoding (Mitchell and Cheney 2024: the VAE encoder is a fast surrogate for evolution):
/// evolves a genome through a fixed decoder so that its developed phenotype matches a target, and compares it with the
/// genome the encoder proposes in one shot. With the prior term, fitness is the log joint log p(x | z) + log p(z) (a MAP
/// estimate of z), the objective the encoder's genome is also trained to do well on, so both sides are compared under one
/// objective; without it, evolution maximises the likelihood alone and can find genomes far out in the prior's tails.
/// The difference of the two genomes' losses is the amortisation gap of point estimates (ours; Cremer et al. 2018,
/// "Inference suboptimality in variational autoencoders", define it for the ELBO).
/// </summary>
public static class EvolvedEncoding
{
    private const double ProbabilityFloor = 1e-6;

    /// <summary>
    /// Bernoulli negative log-likelihood of <paramref name="target"/> (1 or N, C, H, W) under pixel probabilities
    /// <paramref name="probabilities"/> (N, C, H, W), summed over pixels: -sum x log p + (1 - x) log(1 - p) (Kingma and
    /// Welling 2014, appendix C.1), with p clamped to [1e-6, 1 - 1e-6]. Returns (N) in nats.
    /// </summary>
    public static Tensor BernoulliNll(Tensor probabilities, Tensor target)
    {
        var p = probabilities.to(ScalarType.Float64).Clamp(ProbabilityFloor, 1 - ProbabilityFloor);
        var x = target.to(ScalarType.Float64);
        var perPixel = (x * p.log()).Plus(x.RSub(1L) * p.RSub(1L).log()).neg();
        return perPixel.flatten(1).sum(dim: 1);
    }

    /// <summary>Mean squared error per pixel between (N, C, H, W) phenotypes and a (1 or N, C, H, W) target; returns (N).</summary>
    public static Tensor MeanSquaredError(Tensor probabilities, Tensor target) =>
        (probabilities.to(ScalarType.Float64) - target.to(ScalarType.Float64)).Square().flatten(1).mean(new long[] { 1 });

    /// <summary>
    /// -log N(z; 0, I) = |z|^2 / 2 + (G / 2) log(2 pi) of each genome (N, G), in nats (N): the negative log prior density of
    /// the Gaussian genome.
    /// </summary>
    public static Tensor NegativeLogPrior(Tensor genomes)
    {
        var z = genomes.to(ScalarType.Float64);
        return z.Square().sum(new long[] { 1 }).Mul(0.5).Add(0.5 * z.shape[1] * Math.Log(2 * Math.PI));
    }

    /// <summary>The per-individual loss (N) of phenotypes against the target.</summary>
    public static Tensor LossOf(PhenotypeLoss loss, Tensor probabilities, Tensor target) =>
        loss == PhenotypeLoss.Bernoulli ? BernoulliNll(probabilities, target) : MeanSquaredError(probabilities, target);

    /// <summary>
    /// Evolves <paramref name="generations"/> generations with fitness = -loss of the developed phenotype against the target;
    /// each generation develops the whole population with one call of <paramref name="develop"/>.
    /// </summary>
    /// <param name="strategy">The optimiser over genomes (its genome size must match the decoder).</param>
    /// <param name="develop">Genomes (N, G) in the decoder's dtype -> phenotype probabilities (N, C, H, W).</param>
    /// <param name="target">Target phenotype (1, C, H, W) in [0, 1].</param>
    /// <param name="encoderGenome">The encoder's posterior mean for the target (G).</param>
    /// <param name="generations">Generations, >= 1.</param>
    /// <param name="loss">What to minimise.</param>
    /// <param name="genomeType">dtype the decoder expects (strategies such as CMA-ES work in float64).</param>
    /// <param name="onGeneration">Progress callback.</param>
    /// <param name="cancel">Stops between generations.</param>
    /// <param name="prior">
    /// Add -log p(z) of the N(0, I) prior to the loss (the MAP objective); only with the Bernoulli loss, whose units (nats)
    /// it shares.
    /// </param>
    public static EvolvedEncodingResult Run(IEvolutionStrategy strategy, Func<Tensor, Tensor> develop, Tensor target, Tensor encoderGenome,
        int generations, PhenotypeLoss loss = PhenotypeLoss.Bernoulli, ScalarType genomeType = ScalarType.Float32,
        Action<GenerationReport>? onGeneration = null, CancellationToken cancel = default, bool prior = false)
    {
        if (prior && loss != PhenotypeLoss.Bernoulli)
            throw new UserInputException("the prior term (MAP objective) needs the Bernoulli loss in nats; evolve without the prior for the mean squared error.");
        if (generations < 1) throw new UserInputException($"generations must be >= 1, got {generations}.");
        if (target.dim() != 4 || target.shape[0] != 1)
            throw new UserInputException($"the target phenotype must be (1, C, H, W), got ({string.Join(", ", target.shape)}).");
        if (encoderGenome.dim() != 1) throw new UserInputException($"the encoder genome must be a (G) vector, got ({string.Join(", ", encoderGenome.shape)}).");

        Tensor Fitness(Tensor population)
        {
            var phenotypes = develop(population.to(genomeType));                                   // (N, C, H, W): one call per generation
            CheckPhenotypes(phenotypes, population.shape[0], target);
            var l = LossOf(loss, phenotypes, target);
            return prior ? -l.Plus(NegativeLogPrior(population).to(l.dtype).to(l.device)) : -l;
        }

        double encoderLoss;
        (double Nll, double Mse, float[] Phenotype, double NegLogPrior) encoder;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            encoder = Measure(develop, encoderGenome.to(genomeType), target);
            encoderLoss = (loss == PhenotypeLoss.Bernoulli ? encoder.Nll : encoder.Mse) + (prior ? encoder.NegLogPrior : 0);
        }

        var reports = Evolver.Run(strategy, Fitness, generations, onGeneration, cancel);
        int? beat = null;
        for (int g = 0; g < reports.Count && beat is null; g++)
            if (-reports[g].BestSoFar < encoderLoss) beat = (int)reports[g].Generation;

        using var best = strategy.BestGenome ?? throw new InvalidOperationException("no generation ran.");
        (double Nll, double Mse, float[] Phenotype, double NegLogPrior) evolved;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad()) evolved = Measure(develop, best.to(genomeType), target);
        return new EvolvedEncodingResult(loss, encoder.Nll, encoder.Mse, evolved.Nll, evolved.Mse, beat, reports,
            ToDoubles(encoderGenome), ToDoubles(best), encoder.Phenotype, evolved.Phenotype, prior, encoder.NegLogPrior, evolved.NegLogPrior);
    }

    private static (double Nll, double Mse, float[] Phenotype, double NegLogPrior) Measure(Func<Tensor, Tensor> develop, Tensor genome, Tensor target)
    {
        var phenotype = develop(genome.unsqueeze(0));                                               // (1, C, H, W)
        CheckPhenotypes(phenotype, 1, target);
        return (BernoulliNll(phenotype, target).item<double>(), MeanSquaredError(phenotype, target).item<double>(),
            phenotype.to(ScalarType.Float32).cpu().data<float>().ToArray(), NegativeLogPrior(genome.unsqueeze(0)).item<double>());
    }

    private static void CheckPhenotypes(Tensor phenotypes, long n, Tensor target)
    {
        if (phenotypes.dim() != 4 || phenotypes.shape[0] != n || !phenotypes.shape.Skip(1).SequenceEqual(target.shape.Skip(1)))
            throw new UserInputException($"the decoder developed shape ({string.Join(", ", phenotypes.shape)}); the target is ({string.Join(", ", target.shape.Skip(1))}) per individual.");
    }

    private static double[] ToDoubles(Tensor t) => t.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
}
