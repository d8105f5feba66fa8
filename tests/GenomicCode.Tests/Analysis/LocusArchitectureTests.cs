using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Latent;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Analysis;

[Collection(TorchCollection.Name)]
public class LocusArchitectureTests
{
    /// <summary>Development that shows the genome itself: (B, L) base indices to a (B, 1, 1, L) "phenotype".</summary>
    private static readonly Develop ShowBases = g => g.to(ScalarType.Float32).view(g.shape[0], 1, 1, g.shape[1]);

    [Fact]
    public void Should_MutateEachLocusToEachOtherBase_When_MakingPointMutants()
    {
        var mutants = LocusArchitecture.PointMutants(NucleotideGenome.FromStrings(new[] { "AC" }));
        Assert.Equal(new[] { "CC", "GC", "TC", "AG", "AT", "AA" }, NucleotideGenome.ToStrings(mutants));
    }

    [Fact]
    public void Should_MatchHandComputedLocusEffects_When_TraitsReadBases()
    {
        // Given traits: the base index at locus 0, and whether locus 1 is T; parent AC
        var traits = new DelegateTraits(new[] { "base0", "t1" }, p => torch.stack(new[] { p[.., 0, 0, 0], p[.., 0, 0, 1].eq(3f).to(ScalarType.Float32) }, 1));
        var parent = NucleotideGenome.FromStrings(new[] { "AC" });
        // Then locus 0's mutants (C, G, T) move base0 by 1, 2, 3 (mean 2) and not t1; locus 1's (G, T, A) move t1 once in three
        var e = LocusArchitecture.Effects(ShowBases, traits, parent);
        Assert.Equal(2, e[0, 0], 6);
        Assert.Equal(0, e[0, 1], 6);
        Assert.Equal(0, e[1, 0], 6);
        Assert.Equal(1.0 / 3, e[1, 1], 6);
        // and a trait scale divides the column.
        Assert.Equal(1, LocusArchitecture.Effects(ShowBases, traits, parent, new[] { 2.0, 1.0 })[0, 0], 6);
    }

    [Fact]
    public void Should_FindEpistasis_When_ATraitNeedsTwoMutations()
    {
        // Given a trait that is 1 only for locus 0 = C and locus 1 = G, and parent AC: m0 = (A -> C), m1 = (C -> G)
        var traits = new DelegateTraits(new[] { "both" }, p => p[.., 0, 0, 0].eq(1f).logical_and(p[.., 0, 0, 1].eq(2f)).to(ScalarType.Float32).unsqueeze(1));
        var eps = LocusArchitecture.Epistasis(ShowBases, traits, NucleotideGenome.FromStrings(new[] { "ACA" }), new[] { 0, 1, 2 });
        // Then T(m0 + m1) - T(m0) - T(m1) + T(0) = 1 - 0 - 0 + 0 for the pair (0, 1), 0 for pairs with locus 2, 0 on the diagonal
        Assert.Equal(1, eps[0, 1], 6);
        Assert.Equal(1, eps[1, 0], 6);
        Assert.Equal(0, eps[0, 2], 6);
        Assert.Equal(0, eps[1, 2], 6);
        Assert.Equal(0, eps[0, 0], 6);
    }

    [Fact]
    public void Should_ChangeExactlyKLoci_When_SubstitutingPoints()
    {
        using var g = new Generator(3);
        var parents = torch.randint(0, 4, new long[] { 3, 20 }, dtype: ScalarType.Int64, generator: g);
        foreach (int k in new[] { 1, 5, 20 })
        {
            var mutants = NucleotideOperators.PointSubstitutions(parents, 4, k, g);                // (12, 20)
            var changed = mutants.ne(parents.repeat_interleave(4, 0)).sum(dim: 1);
            Assert.True(changed.eq(k).all().item<bool>(), $"k = {k}: {string.Join(",", changed.data<long>().ToArray())}");
        }
        Assert.Throws<UserInputException>(() => NucleotideOperators.PointSubstitutions(parents, 4, 21, g));
    }

    [Fact]
    public void Should_NameLociByGeneAndPart_When_TheLayoutIsKnown()
    {
        var layout = new NucleotideLayout { Genes = 2, MotifLength = 2, CisLength = 3, Signals = 1 };
        Assert.Equal(new[] { "g0 motif 1", "g0 motif 2", "g0 cis 1", "g0 cis 2", "g0 cis 3", "g1 motif 1", "g1 motif 2", "g1 cis 1", "g1 cis 2", "g1 cis 3", "s0 motif 1", "s0 motif 2" },
            LocusArchitecture.LocusNames(12, layout));
        Assert.Equal("locus 3", LocusArchitecture.LocusNames(5, null)[2]);
    }
}
