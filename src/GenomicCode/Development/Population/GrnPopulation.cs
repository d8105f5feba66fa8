using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// A population of gene-regulatory-network decoders (<see cref="GrnDecoder"/>; Watson et al. 2014, Kouvaris et al. 2017)
/// developed in one call. Each individual's hypernetwork reads the regulatory weights W(g) and biases b(g) of its K
/// genomes as batched products over the population; then all P x K organisms run the decoder's own step
/// (<c>bmm</c> with one W per organism, signals, alive masks) as one batch of P K. Same result as developing each
/// individual in turn, to float tolerance; randomness as <see cref="PopulationRandomness"/> describes.
/// </summary>
public sealed class GrnPopulation : IPopulationDecoder
{
    private readonly GrnDecoder template;
    private readonly ParameterVector vector;
    private readonly StackedParameters stacked;

    /// <summary>Develops individuals shaped like <paramref name="template"/> (its options, grid and buffers; not its weights).</summary>
    public GrnPopulation(GrnDecoder template)
    {
        this.template = template ?? throw new ArgumentNullException(nameof(template));
        vector = new ParameterVector(template);
        stacked = new StackedParameters(template, vector);
    }

    /// <inheritdoc />
    public GenomeDecoder Template => template;

    /// <inheritdoc />
    public string Backend => "torch";

    /// <inheritdoc />
    public long ParameterCount => vector.Length;

    /// <summary>
    /// Each individual's regulatory weights (P, K, N, N + 3M) and biases (P, K, N) for its genomes (P, K, G), and the
    /// zygotes' maternal factors (P, K, N - R - 1): <see cref="GrnDecoder.Regulation"/> and the maternal map, batched.
    /// </summary>
    public (Tensor Weights, Tensor Bias, Tensor Maternal) Regulation(Tensor weights, Tensor genomes)
    {
        var (p, k, perIndividual) = PopulationDevelopment.CheckInputs(template, vector.Length, weights, genomes);
        using var scope = torch.NewDisposeScope();
        var w = weights.to(ScalarType.Float32, genomes.device);
        var x = perIndividual.to(ScalarType.Float32);
        Tensor P(Tensor t) => t.shape[0] == p ? t : t.expand(new[] { p }.Concat(t.shape.Skip(1)).ToArray());
        Tensor Linear(Tensor input, string name) =>                                            // (P, K, in) -> (P, K, out)
            torch.bmm(input, P(stacked.Get(w, name + ".weight")).transpose(1, 2)).Add_(P(stacked.Get(w, name + ".bias")).unsqueeze(1));
        int n = template.Genes, inputs = template.RegulatoryInputs;
        var flat = Linear(nn.functional.tanh(Linear(x, "hyperHidden")), "hyperOut");           // (P, K, N I + N)
        var regulatory = flat.narrow(2, 0, n * inputs).view(p, k, n, inputs).Plus(P(stacked.Get(w, "baseWeights")).unsqueeze(1)); // (P, K, N, I)
        var bias = flat.narrow(2, n * inputs, n).Plus(P(stacked.Get(w, "baseBias")).unsqueeze(1));                                   // (P, K, N)
        var maternal = nn.functional.tanh(Linear(x, "maternal"));                              // (P, K, N - R - 1)
        return (regulatory.MoveToOuterDisposeScope(), bias.MoveToOuterDisposeScope(), maternal.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null)
    {
        var (p, k, _) = PopulationDevelopment.CheckInputs(template, vector.Length, weights, genomes);
        var device = genomes.device;
        using var fallback = new Generator((ulong)DevelopmentalDecoder.DefaultSeed, device);
        var random = PopulationDevelopment.Resolve(randomness, p, fallback);
        int count = random.Steps(template, steps);
        using var scope = torch.NewDisposeScope();
        var (regulatory, bias, maternal) = Regulation(weights, genomes);
        long b = p * k, g = template.GridSize;
        int n = template.Genes, readout = template.PhenotypeShape.Channels;
        var w = regulatory.reshape(b, n, template.RegulatoryInputs);                           // (B, N, I)
        var biasMap = bias.reshape(b, n, 1);                                                   // (B, N, 1)
        var x = template.Zygote(b, maternal.reshape(b, -1), device);                           // (B, N, G, G)
        for (int t = 1; t <= count; t++)
        {
            var previous = x;
            using (var stepScope = torch.NewDisposeScope())
            {
                Tensor? noise = null;
                if (template.Options.Noise > 0)
                {
                    var draws = random.Normal(new[] { k, (long)n, g, g }, device);              // (R, K, N, G, G)
                    noise = (draws.shape[0] == 1 ? draws.expand(p, k, n, g, g) : draws).reshape(b, n, g, g);
                }
                x = template.Step(x, w, biasMap, noise).MoveToOuterDisposeScope();
            }
            previous.Dispose();
        }
        var wv = weights.to(ScalarType.Float32, device);
        Tensor P(Tensor t) => t.shape[0] == p ? t : t.expand(new[] { p }.Concat(t.shape.Skip(1)).ToArray());
        var gain = P(stacked.Get(wv, "readoutGain"));                                           // (P, 1, R, 1, 1)
        var offset = P(stacked.Get(wv, "readoutBias"));
        var grid = offset.AddCMul(x.view(p, k, n, g, g).narrow(2, 0, readout), gain, 1);       // (P, K, R, G, G)
        var phenotype = template.ToPhenotype(grid.reshape(b, readout, g, g));
        return phenotype.view(p, k, readout, phenotype.shape[2], phenotype.shape[3]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() { }
}
