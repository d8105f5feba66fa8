using GenomicCode.Analysis;
using GenomicCode.Data;
using GenomicCode.Development;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Analysis;

/// <summary>A hand-built decoder whose phenotype (B, 1, 1, T) is genome @ W, so its effect matrix is exactly W.</summary>
internal sealed class LinearDecoder : GenomeDecoder
{
    private readonly Tensor weight;

    public LinearDecoder(double[,] w) : base(nameof(LinearDecoder))
    {
        weight = torch.tensor(w.Cast<double>().Select(v => (float)v).ToArray(), new long[] { w.GetLength(0), w.GetLength(1) });
        GenomeSize = w.GetLength(0);
        PhenotypeShape = (1, 1, w.GetLength(1));
        RegisterComponents();
    }

    public override int GenomeSize { get; }

    public override (int Channels, int Height, int Width) PhenotypeShape { get; }

    public override Tensor forward(Tensor genome)
    {
        CheckGenome(genome);
        return genome.matmul(weight).view(-1, 1, 1, PhenotypeShape.Width);   // (B, 1, 1, T)
    }
}

[Collection(TorchCollection.Name)]
public class GeneticArchitectureTests
{
    private static readonly double[,] W = { { 1.5, 0, 0 }, { 0, -2, 0.05 }, { 0.5, 0.5, 0.5 }, { 0, 0, 0 } }; // 4 genes x 3 traits
    private static readonly DelegateTraits Identity = new(new[] { "t0", "t1", "t2" }, p => p.flatten(1));

    private static Tensor Genomes(int n, int g, long seed) => torch.randn(new long[] { n, g }, generator: new torch.Generator((ulong)seed));

    [Fact]
    public void Should_GiveBackTheMatrix_When_DecoderIsLinear()
    {
        using var decoder = new LinearDecoder(W);
        Develop develop = g => decoder.forward(g);
        var atOne = EffectMatrix.Jacobian(develop, Identity, Genomes(1, 4, 0));
        var averaged = EffectMatrix.Jacobian(develop, Identity, Genomes(8, 4, 1));
        var finite = EffectMatrix.FiniteDifferences(develop, Identity, Genomes(8, 4, 2), h: 0.5);
        for (int g = 0; g < 4; g++)
            for (int t = 0; t < 3; t++)
            {
                Assert.Equal(W[g, t], atOne[g, t], 5);
                Assert.Equal(W[g, t], averaged[g, t], 5);
                Assert.Equal(W[g, t], finite[g, t], 4);
            }
        var epistasis = EffectMatrix.Epistasis(develop, Identity, Genomes(4, 4, 3));
        Assert.All(epistasis.Cast<double>(), v => Assert.Equal(0, v, 4)); // an additive map has no epistasis
    }

    [Fact]
    public void Should_CountPleiotropyAndPolygenicity_When_ThresholdIsTenPercentOfLargest()
    {
        // Threshold 0.2: gene 0 moves t0; gene 1 moves t1 (0.05 is below); gene 2 moves all three; gene 3 nothing.
        var a = GeneticArchitecture.Of(W);
        Assert.Equal(0.2, a.Threshold, 12);
        Assert.Equal(new[] { 1, 1, 3, 0 }, a.Pleiotropy);
        Assert.Equal(new[] { 2, 2, 1 }, a.Polygenicity);
        Assert.Equal(new[] { 2, 1.5, 0.5, 0.5, 0.5, 0.05 }, a.Spectrum.Take(6));
        Assert.Equal(new[] { 2, 0.05, 0 }, a.GeneSpectra[1]);
        var s = GeneticArchitecture.Standardise(W, new[] { 2.0, 4, 0 });   // a zero scale leaves the column as it is
        Assert.Equal(new[] { 0.75, 0.125, 0.5 }, new[] { s[0, 0], s[2, 1], s[2, 2] });
    }

    [Fact]
    public void Should_FindEpistasisOnlyBetweenInteractingGenes_When_TraitIsAProduct()
    {
        // trait0 = g0 * g1, trait1 = g2: a double mutation of size d on (0, 1) deviates from additivity by d^2 in
        // trait0 and by 0 in trait1; the mean over the two traits is d^2 / 2.
        var traits = new DelegateTraits(new[] { "g0g1", "g2" }, p =>
        {
            var x = p.flatten(1);                                                   // (B, 3)
            return torch.stack(new[] { x.select(1, 0) * x.select(1, 1), x.select(1, 2) }, 1);
        });
        Develop develop = g => g.view(-1, 1, 1, 3);
        var e = EffectMatrix.Epistasis(develop, traits, Genomes(5, 3, 4), delta: 0.5);
        Assert.Equal(0.125, e[0, 1], 5);
        Assert.Equal(0.125, e[1, 0], 5);
        Assert.Equal(0, e[0, 2], 5);
        Assert.Equal(0, e[1, 2], 5);
        Assert.Equal(0, e[0, 0], 5);
    }

    [Fact]
    public void Should_MeasurePositionScaleAndShape_When_GivenSpritesImages()
    {
        var world = new SpritesWorld();
        // shape, scale, orientation, posX, posY
        var f = new int[,] { { 0, 5, 0, 0, 16 }, { 0, 5, 0, 31, 16 }, { 1, 5, 0, 16, 16 }, { 0, 0, 0, 16, 16 }, { 1, 5, 10, 16, 16 } };
        var t = new SpritesTraits().Extract(world.Render(f));                                       // (5, 5)
        double T(long i, long j) => t[i, j].item<float>();
        Assert.Equal((14 + 0.5) / 64, T(0, 0), 1);      // centred at pixel 14 of 64 (+ half a pixel)
        Assert.Equal((50 + 0.5) / 64, T(1, 0), 1);
        Assert.True(Math.Abs(T(0, 1) - T(1, 1)) < 0.01); // same posY
        Assert.True(T(0, 2) > T(3, 2) * 1.5);           // scale 1 vs 0.5: sqrt(area) doubles
        Assert.True(T(2, 4) > 0.5 && T(0, 4) < 0.1, $"ellipse {T(2, 4)}, square {T(0, 4)}"); // 2:1 ellipse is elongated
        Assert.True(Math.Abs(T(2, 3)) < 0.1);            // ellipse along x: orientation 0
        Assert.True(Math.Abs(T(4, 3)) > 0.5);            // turned by 2 pi 10 / 39
        Assert.Equal(new[] { "posX", "posY", "scale", "orientation", "elongation" }, new SpritesTraits().TraitNames);
    }

    [Fact]
    public void Should_KeepLiveTensorCountFlat_When_RepeatingEffectAnalyses()
    {
        using var decoder = new LinearDecoder(W);
        Develop develop = g => decoder.forward(g);
        var genomes = Genomes(4, 4, 5);
        EffectMatrix.Jacobian(develop, Identity, genomes);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            EffectMatrix.Jacobian(develop, Identity, genomes);
            EffectMatrix.FiniteDifferences(develop, Identity, genomes);
            EffectMatrix.Epistasis(develop, Identity, genomes);
            Robustness.Mutational(develop, genomes, new[] { 1, 2 }, 4, 0.5, 0.1, 0);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
