using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>What a latent genome is built from besides its options.</summary>
/// <param name="LatentSize">The model's latent size (<c>model.latentSize</c>): genome dimensions for the Gaussian genome.</param>
public sealed record LatentContext(int LatentSize);

/// <summary>
/// The posterior over genomes of a batch, as a latent genome reads it from the encoder's output.
/// </summary>
/// <param name="Parameters">(B, <see cref="LatentGenome.ParameterSize"/>) the encoder's output.</param>
/// <param name="Mean">(B, <see cref="LatentGenome.Size"/>) the posterior mean in genome space: the deterministic code.</param>
/// <param name="LogVar">(B, <see cref="LatentGenome.Size"/>) the log-variance of the posterior per genome dimension.</param>
public sealed record LatentPosterior(Tensor Parameters, Tensor Mean, Tensor LogVar);

/// <summary>
/// A latent genome: the space genomes live in, with its posterior family, its prior, sampling and the KL between them.
/// The encoder outputs <see cref="ParameterSize"/> numbers per phenotype; the latent turns them into a posterior, draws
/// genomes of width <see cref="Size"/> for the decoder, and measures the KL to its prior per genome dimension. A module,
/// so a latent with learnable parts (a learned prior, a temperature) keeps them in the model.
/// </summary>
public abstract class LatentGenome : nn.Module
{
    /// <summary>Creates the module with a name.</summary>
    protected LatentGenome(string name) : base(name) { }

    /// <summary>Catalogue name, for example <c>gaussian</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Width D of a genome: what the decoder reads and the regularisers see.</summary>
    public abstract int Size { get; }

    /// <summary>How many numbers per phenotype the encoder outputs to parameterise the posterior.</summary>
    public abstract int ParameterSize { get; }

    /// <summary>The posterior of a batch from the encoder's output (B, <see cref="ParameterSize"/>).</summary>
    public abstract LatentPosterior Posterior(Tensor parameters);

    /// <summary>Genome samples (B, <see cref="Size"/>) from the posterior, differentiable in its parameters; noise from <paramref name="generator"/>.</summary>
    public abstract Tensor Sample(LatentPosterior posterior, Generator? generator, long step);

    /// <summary>KL(q(g|x) || p(g)) per phenotype and genome dimension, (B, <see cref="Size"/>).</summary>
    public abstract Tensor KlPerDimension(LatentPosterior posterior);

    /// <summary><paramref name="count"/> genomes (count, <see cref="Size"/>) drawn from the prior.</summary>
    public abstract Tensor SamplePrior(long count, Generator? generator, Device? device = null);
}
