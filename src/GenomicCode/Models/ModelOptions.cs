using GenomicCode.Core;
using GenomicCode.Regularizers;

namespace GenomicCode.Models;

/// <summary>Shape of a genome VAE. Defaults follow disentanglement_lib (Locatello et al. 2019): 10 latents, dense 256.</summary>
public sealed record ModelOptions
{
    /// <summary>Latent genome dimensions (1..1024). Default 10.</summary>
    public int LatentSize { get; init; } = 10;

    /// <summary>Width of the dense layers of encoder and decoder (8..8192). Default 256.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Encoder name: <c>conv</c>. Default <c>conv</c>.</summary>
    public string Encoder { get; init; } = "conv";

    /// <summary>Decoder (development) name: <c>conv</c>, <c>nca</c>, <c>grn</c> or <c>landscape</c> (see <see cref="Development.DecoderCatalog"/>). Default <c>conv</c>.</summary>
    public string Decoder { get; init; } = "conv";

    /// <summary>Options of the developmental decoders (steps, noise, fire rate, grid, ...). Default: <see cref="Development.DevelopmentOptions"/> defaults.</summary>
    public Development.DevelopmentOptions Development { get; init; } = new();

    /// <summary>
    /// Regulariser name from <see cref="RegularizerCatalog"/> (<c>genomic-code list regularizers</c>): beta-vae,
    /// annealed-vae, beta-tcvae, factor-vae, dip-vae-i, dip-vae-ii, info-vae. Default <c>beta-vae</c>.
    /// </summary>
    public string Regularizer { get; init; } = "beta-vae";

    /// <summary>beta (>= 0): the KL weight of beta-VAE and the total-correlation weight of beta-TCVAE. Default 1 (plain VAE).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>Options of the other regularisers (and beta-TCVAE's other weights); only the selected one's are read. Defaults documented per record.</summary>
    public RegularizerOptions RegularizerOptions { get; init; } = new();

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public ModelOptions Validate()
    {
        Guard.InRange(LatentSize, 1, 1024);
        Guard.InRange(HiddenSize, 8, 8192);
        Guard.NonNegative(Beta);
        if (Encoder != "conv") throw new UserInputException($"unknown encoder '{Encoder}'; known: conv.");
        if (!GenomicCode.Development.DecoderCatalog.Contains(Decoder)) throw new UserInputException($"unknown decoder '{Decoder}'; known: {string.Join(", ", GenomicCode.Development.DecoderCatalog.Names)}.");
        Development.Validate();
        RegularizerCatalog.Find(Regularizer);
        (RegularizerOptions ?? throw new UserInputException("RegularizerOptions must not be null; leave it out for the defaults.")).Validate();
        return this;
    }
}
