using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// Entry points of population development: the TorchSharp backend (<see cref="NcaPopulation"/>,
/// <see cref="GrnPopulation"/>; any other decoder falls back to <see cref="LoopPopulation"/>), stacking the weights of P
/// modules, and the checks every implementation shares.
/// </summary>
public static class PopulationDevelopment
{
    /// <summary>The TorchSharp backend: batched NCA and GRN populations, a per-individual loop for other decoders.</summary>
    public static IPopulationBackend Torch { get; } = new TorchBackend();

    /// <summary>A population decoder for <paramref name="template"/> on the TorchSharp backend.</summary>
    public static IPopulationDecoder Create(GenomeDecoder template) => Torch.Create(template);

    /// <summary>
    /// The weights of P decoders of the same architecture as one (P, D) tensor, each row in
    /// <see cref="ParameterVector"/> order; throws a one-line <see cref="UserInputException"/> when their layouts differ.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<GenomeDecoder> individuals)
    {
        ArgumentNullException.ThrowIfNull(individuals);
        if (individuals.Count == 0) throw new UserInputException("stacking a population needs at least one decoder.");
        using var scope = torch.NewDisposeScope();
        var first = new ParameterVector(individuals[0]);
        var rows = new List<Tensor>(individuals.Count);
        for (int i = 0; i < individuals.Count; i++)
        {
            var vector = i == 0 ? first : new ParameterVector(individuals[i]);
            if (!SameLayout(first.Layout, vector.Layout))
                throw new UserInputException($"decoder {i} of the population has another parameter layout than decoder 0 ({vector.Length} vs {first.Length} values); stack decoders of one architecture.");
            rows.Add(vector.Read());
        }
        return torch.stack(rows, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Checks <paramref name="weights"/> (P, <paramref name="parameterCount"/>) and <paramref name="genomes"/> (K, G) or
    /// (P, K, G) against <paramref name="template"/>, and returns P, K and the genomes as (P, K, G) (a broadcast view
    /// when shared). Bad shapes throw a one-line <see cref="UserInputException"/> naming the expected shape.
    /// </summary>
    public static (long Population, long Genomes, Tensor PerIndividual) CheckInputs(GenomeDecoder template, long parameterCount, Tensor weights, Tensor genomes)
    {
        ArgumentNullException.ThrowIfNull(template);
        string name = template.GetName();
        if (weights.dim() != 2 || weights.shape[1] != parameterCount || weights.shape[0] < 1)
            throw new UserInputException($"{name} population weights must be (P, {parameterCount}): one flat vector per individual, got ({string.Join(", ", weights.shape)}).");
        if (!weights.is_floating_point()) throw new UserInputException($"{name} population weights must be floating point, got {weights.dtype}.");
        long p = weights.shape[0];
        int g = template.GenomeSize;
        if (genomes.dim() == 2 && genomes.shape[1] == g && genomes.shape[0] >= 1)
            return (p, genomes.shape[0], genomes.unsqueeze(0).expand(p, genomes.shape[0], g));
        if (genomes.dim() == 3 && genomes.shape[0] == p && genomes.shape[2] == g && genomes.shape[1] >= 1)
            return (p, genomes.shape[1], genomes);
        throw new UserInputException($"{name} population genomes must be (K, {g}) shared by all individuals or ({p}, K, {g}), got ({string.Join(", ", genomes.shape)}).");
    }

    /// <summary>The randomness to use: <paramref name="randomness"/>, or (when null) common randomness from <paramref name="fallback"/>.</summary>
    internal static PopulationRandomness Resolve(PopulationRandomness? randomness, long population, Generator fallback)
    {
        var r = randomness ?? PopulationRandomness.Common(fallback);
        r.CheckPopulation(population);
        return r;
    }

    /// <summary>Whether two layouts name the same parameters with the same shapes in the same order.</summary>
    internal static bool SameLayout(IReadOnlyList<ParameterSlice> a, IReadOnlyList<ParameterSlice> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Shape.SequenceEqual(p.Second.Shape));

    private sealed class TorchBackend : IPopulationBackend
    {
        public string Name => "torch";

        public IPopulationDecoder Create(GenomeDecoder template) => template switch
        {
            NcaDecoder nca => new NcaPopulation(nca),
            GrnDecoder grn => new GrnPopulation(grn),
            _ => new LoopPopulation(template),
        };
    }
}
