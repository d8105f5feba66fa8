using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// Development as the decoder: maps a genome batch (B, genome size) to phenotype logits (B, C, H, W). Decoders work on
/// whole batches of tensors; none loops over organisms or cells in C#.
/// </summary>
public abstract class GenomeDecoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with a name.</summary>
    protected GenomeDecoder(string name) : base(name) { }

    /// <summary>Width of the genome this decoder reads.</summary>
    public abstract int GenomeSize { get; }

    /// <summary>Shape of one phenotype: channels, height, width.</summary>
    public abstract (int Channels, int Height, int Width) PhenotypeShape { get; }

    /// <summary>
    /// Decodes with randomness drawn from <paramref name="generator"/> (developmental decoders use it for update masks and
    /// noise; null means deterministic). The default ignores the generator and calls <c>forward</c>.
    /// </summary>
    public virtual Tensor Decode(Tensor genome, Generator? generator) => forward(genome);

    /// <summary>Throws a one-line error when <paramref name="genome"/> is not (B, <see cref="GenomeSize"/>).</summary>
    protected void CheckGenome(Tensor genome)
    {
        if (genome.dim() != 2 || genome.shape[1] != GenomeSize)
            throw new Core.UserInputException($"{GetName()} expects a genome batch of shape (B, {GenomeSize}), got ({string.Join(", ", genome.shape)}).");
    }
}
