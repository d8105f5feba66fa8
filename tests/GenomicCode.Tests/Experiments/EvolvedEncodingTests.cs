using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Experiments;

public class EvolvedEncodingTests
{
    // A tiny "decoder": genome (N, 2) -> sigmoid(genome W) reshaped to (N, 1, 2, 2); counts its batched calls.
    private sealed class TinyDecoder
    {
        private static readonly double[,] W = { { 1, -1, 0.5, 2 }, { 0.5, 1, -2, 1 } };
        public int Calls;
        public Tensor Develop(Tensor genomes)
        {
            Calls++;
            using var w = torch.tensor(W, dtype: genomes.dtype, device: genomes.device);
            return torch.sigmoid(genomes.matmul(w)).view(-1, 1, 2, 2);
        }
    }

    [Fact]
    public void Should_MatchHandComputedLosses_When_ComparingPhenotypes()
    {
        using var p = torch.tensor(new double[] { 0.5, 0.5, 0.9, 0.2 }).view(1, 1, 2, 2);
        using var x = torch.tensor(new double[] { 1, 0, 1, 0 }).view(1, 1, 2, 2);
        // -[ln 0.5 + ln 0.5 + ln 0.9 + ln 0.8]
        double nll = -(2 * Math.Log(0.5) + Math.Log(0.9) + Math.Log(0.8));
        Assert.Equal(nll, EvolvedEncoding.BernoulliNll(p, x).item<double>(), 12);
        // (0.25 + 0.25 + 0.01 + 0.04) / 4
        Assert.Equal(0.55 / 4, EvolvedEncoding.MeanSquaredError(p, x).item<double>(), 12);
    }

    [Fact]
    public void Should_MatchTheHandComputedPrior_When_MeasuringAGenome()
    {
        // -log N(z; 0, I) for z = (1, 2): |z|^2 / 2 + (2 / 2) log(2 pi) = 2.5 + log(2 pi).
        using var z = torch.tensor(new double[] { 1, 2, 0, 0 }).view(2, 2);
        var nlp = EvolvedEncoding.NegativeLogPrior(z).data<double>().ToArray();
        Assert.Equal(2.5 + Math.Log(2 * Math.PI), nlp[0], 12);
        Assert.Equal(Math.Log(2 * Math.PI), nlp[1], 12);
    }

    [Fact]
    public void Should_FindThePriorMode_When_TheLikelihoodIsFlatAndTheObjectiveIsMap()
    {
        // A decoder whose phenotype does not depend on the genome: the likelihood is flat, so the MAP objective's optimum is
        // the prior mode z = 0, where -log p(z) = log(2 pi) for G = 2. Fitness is minus (NLL + -log p(z)).
        Tensor Flat(Tensor genomes) => ScalarMath.Full(new[] { genomes.shape[0], 1, 2, 2 }, 0.5, ScalarType.Float64);
        using var target = torch.tensor(new double[] { 1, 0, 1, 0 }).view(1, 1, 2, 2);
        using var encoderGenome = torch.tensor(new double[] { 1, 2 });
        using var cma = new CmaEs(torch.tensor(new double[] { 1.5, -1.5 }), 1.0, seed: 2, populationSize: 8);
        var result = EvolvedEncoding.Run(cma, Flat, target, encoderGenome, generations: 30, prior: true, genomeType: ScalarType.Float64);
        double nll = -4 * Math.Log(0.5);
        Assert.True(result.Prior);
        Assert.Equal(nll, result.EncoderNll, 9);
        Assert.Equal(2.5 + Math.Log(2 * Math.PI), result.EncoderNegLogPrior, 9);
        Assert.True(result.EvolvedNegLogPrior - Math.Log(2 * Math.PI) < 0.01, $"evolved -log p(z) {result.EvolvedNegLogPrior}");
        Assert.Equal(-(nll + result.EvolvedNegLogPrior), result.Reports.Max(r => r.BestFitness), 9);
        Assert.Equal(1, result.GenerationsToBeatEncoder);  // any genome with |z|^2 < 5 beats the encoder's in generation 1
        Assert.Contains("Bernoulli", Assert.Throws<UserInputException>(() => EvolvedEncoding.Run(cma, Flat, target, encoderGenome, 1,
            PhenotypeLoss.Mse, prior: true)).Message);
    }

    [Fact]
    public void Should_BeatAPoorEncoder_When_CmaEsEvolvesTheGenome()
    {
        var decoder = new TinyDecoder();
        using var truth = torch.tensor(new float[] { 0.8f, -0.6f });
        using var target = decoder.Develop(truth.unsqueeze(0));
        using var encoderGenome = torch.zeros(2);                          // an encoder that knows nothing
        decoder.Calls = 0;
        using var cma = new CmaEs(torch.zeros(2, dtype: ScalarType.Float64), 1.0, seed: 4, populationSize: 8);
        var result = EvolvedEncoding.Run(cma, decoder.Develop, target, encoderGenome, generations: 40, loss: PhenotypeLoss.Mse);
        Assert.True(result.EvolvedMse < 1e-6, $"evolved MSE {result.EvolvedMse}");
        Assert.True(result.EncoderMse > 1e-2, $"encoder MSE {result.EncoderMse}");
        Assert.NotNull(result.GenerationsToBeatEncoder);
        Assert.InRange(result.GenerationsToBeatEncoder!.Value, 1, 10);
        Assert.Equal(0.8, result.EvolvedGenome[0], 2);
        Assert.Equal(-0.6, result.EvolvedGenome[1], 2);
        Assert.Equal(40, result.Reports.Count);
        Assert.Equal(4, result.EvolvedPhenotype.Length);
        // One batched development per generation, plus the encoder's and the best genome's phenotypes.
        Assert.Equal(40 + 2, decoder.Calls);
    }

    [Fact]
    public void Should_KeepTheLiveTensorCountFlat_When_RunningMoreGenerations()
    {
        var decoder = new TinyDecoder();
        using var target = decoder.Develop(torch.tensor(new float[,] { { 0.8f, -0.6f } }));
        using var encoderGenome = torch.zeros(2);
        long Growth(int generations)
        {
            using var scope = torch.NewDisposeScope();
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using var cma = new CmaEs(torch.zeros(2, dtype: ScalarType.Float64), 1.0, seed: 4, populationSize: 8);
            EvolvedEncoding.Run(cma, decoder.Develop, target, encoderGenome, generations);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        Assert.Equal(Growth(2), Growth(12));
    }

    [Fact]
    public void Should_ReportNoWin_When_TheEncoderIsExact()
    {
        var decoder = new TinyDecoder();
        using var truth = torch.tensor(new float[] { 0.8f, -0.6f });
        using var target = decoder.Develop(truth.unsqueeze(0));
        using var ga = new GeneticAlgorithm(torch.ones(4, 2), new TruncationSelection(0.5), new GaussianMutation(0.01), null, 1, seed: 1);
        var result = EvolvedEncoding.Run(ga, decoder.Develop, target, truth, generations: 2, loss: PhenotypeLoss.Bernoulli);
        Assert.Null(result.GenerationsToBeatEncoder);
        Assert.True(result.EvolvedNll > result.EncoderNll);
    }

    [Fact]
    public void Should_RefuseAPhenotypeOfAnotherSize_When_TheTargetDiffers()
    {
        var decoder = new TinyDecoder();
        using var target = torch.zeros(1, 1, 3, 3);
        using var ga = new GeneticAlgorithm(torch.ones(4, 2), new TruncationSelection(0.5), new GaussianMutation(0.01), null, 1, seed: 1);
        var e = Assert.Throws<UserInputException>(() => EvolvedEncoding.Run(ga, decoder.Develop, target, torch.zeros(2), generations: 1));
        Assert.Contains("the target is (1, 3, 3)", e.Message);
    }
}
