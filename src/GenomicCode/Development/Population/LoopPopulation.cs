using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// The reference population development: one individual after another, its weights written into the template
/// (<see cref="ParameterVector.Write"/>) and all its genomes developed in one call; the template's weights are restored
/// afterwards. With common randomness the generator is set back to the same state before every individual; per
/// individual, individual i develops with generator i. Used for decoders without a batched population implementation,
/// and as the baseline the batched ones are tested and measured against.
/// </summary>
public sealed class LoopPopulation : IPopulationDecoder
{
    private readonly ParameterVector vector;

    /// <summary>Loops over individuals of <paramref name="template"/>'s architecture.</summary>
    public LoopPopulation(GenomeDecoder template)
    {
        Template = template ?? throw new ArgumentNullException(nameof(template));
        vector = new ParameterVector(template);
    }

    /// <inheritdoc />
    public GenomeDecoder Template { get; }

    /// <inheritdoc />
    public string Backend => "loop";

    /// <inheritdoc />
    public long ParameterCount => vector.Length;

    /// <inheritdoc />
    public Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null)
    {
        var (p, _, perIndividual) = PopulationDevelopment.CheckInputs(Template, vector.Length, weights, genomes);
        using var fallback = new Generator((ulong)DevelopmentalDecoder.DefaultSeed, genomes.device);
        var r = PopulationDevelopment.Resolve(randomness, p, fallback);
        if (steps is <= 0) throw new Core.UserInputException($"{Template.GetName()}: steps must be >= 1, got {steps}.");
        using var original = vector.Read();
        var phenotypes = new List<Tensor>((int)p);
        Tensor? start = r.IsCommon ? r.Generator(0).get_state() : null;
        try
        {
            for (long i = 0; i < p; i++)
            {
                using var scope = torch.NewDisposeScope();
                using (var row = weights[i]) vector.Write(row);
                var generator = r.Generator(r.IsCommon ? 0 : (int)i);
                if (start is not null) generator.set_state(start);
                var grown = Template is DevelopmentalDecoder d
                    ? d.Develop(perIndividual[i], generator, steps: steps).Phenotype
                    : Template.Decode(perIndividual[i], generator);
                phenotypes.Add(grown.MoveToOuterDisposeScope());
            }
            using var stackScope = torch.NewDisposeScope();
            return torch.stack(phenotypes, 0).MoveToOuterDisposeScope();                // (P, K, C, H, W)
        }
        finally
        {
            foreach (var t in phenotypes) t.Dispose();
            start?.Dispose();
            vector.Write(original);
        }
    }

    /// <inheritdoc />
    public void Dispose() { }
}
