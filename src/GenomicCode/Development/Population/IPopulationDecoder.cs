using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// Develops a whole population of decoders in one call: P individuals that share a decoder's architecture but each have
/// their own weights (one flat vector each, in <see cref="Evolution.ParameterVector"/> order), every individual growing
/// the same K genomes (or its own K genomes). The result equals developing each individual in turn with its weights
/// written into <see cref="Template"/>, to float tolerance, with the random numbers that <see cref="PopulationRandomness"/>
/// describes.
/// </summary>
public interface IPopulationDecoder : IDisposable
{
    /// <summary>The decoder whose architecture, options and buffers every individual shares; its own weights are not used.</summary>
    GenomeDecoder Template { get; }

    /// <summary>Name of the implementation (<c>torch</c>, <c>loop</c>, <c>ilgpu</c>).</summary>
    string Backend { get; }

    /// <summary>D: weights per individual (the length of the template's <see cref="Evolution.ParameterVector"/>).</summary>
    long ParameterCount { get; }

    /// <summary>
    /// Grows phenotype logits (P, K, C, H, W) from <paramref name="weights"/> (P, D) and <paramref name="genomes"/> (K, G),
    /// shared by every individual, or (P, K, G). Randomness: <paramref name="randomness"/>, or common randomness from a
    /// generator seeded with <see cref="DevelopmentalDecoder.DefaultSeed"/> (what each individual's
    /// <see cref="DevelopmentalDecoder.Develop(Tensor, Generator?, IReadOnlyCollection{int}?, int?)"/> uses without a generator). <paramref name="steps"/> overrides the
    /// template's step count. Gradients flow to <paramref name="weights"/> where the implementation supports them (torch).
    /// </summary>
    Tensor Develop(Tensor weights, Tensor genomes, PopulationRandomness? randomness = null, int? steps = null);
}

/// <summary>Makes population decoders of one implementation (see <see cref="PopulationDevelopment.Torch"/>).</summary>
public interface IPopulationBackend
{
    /// <summary>Name (<c>torch</c>, <c>ilgpu</c>).</summary>
    string Name { get; }

    /// <summary>A population decoder for individuals shaped like <paramref name="template"/>; throws a one-line <see cref="Core.UserInputException"/> for a decoder it cannot develop.</summary>
    IPopulationDecoder Create(GenomeDecoder template);
}
