using GenomicCode.Core;

namespace GenomicCode.Regularizers;

/// <summary>
/// Options of every regulariser (the beta of beta-VAE and beta-TCVAE lives in <see cref="Models.ModelOptions.Beta"/>).
/// Only the selected regulariser's record is read; every record has documented defaults.
/// </summary>
public sealed record RegularizerOptions
{
    /// <summary>Capacity-annealed VAE (<c>annealed-vae</c>).</summary>
    public AnnealedVaeOptions AnnealedVae { get; init; } = new();

    /// <summary>beta-TCVAE (<c>beta-tcvae</c>).</summary>
    public BetaTcVaeOptions BetaTcVae { get; init; } = new();

    /// <summary>FactorVAE (<c>factor-vae</c>).</summary>
    public FactorVaeOptions FactorVae { get; init; } = new();

    /// <summary>DIP-VAE-I (<c>dip-vae-i</c>).</summary>
    public DipVaeIOptions DipVaeI { get; init; } = new();

    /// <summary>DIP-VAE-II (<c>dip-vae-ii</c>).</summary>
    public DipVaeIIOptions DipVaeII { get; init; } = new();

    /// <summary>InfoVAE / MMD-VAE (<c>info-vae</c>).</summary>
    public InfoVaeOptions InfoVae { get; init; } = new();

    /// <summary>Validates every record; errors name the record, e.g. <c>regularizerOptions.factorVae: Gamma must be ...</c>.</summary>
    public RegularizerOptions Validate()
    {
        Check("annealedVae", () => AnnealedVae.Validate());
        Check("betaTcVae", () => BetaTcVae.Validate());
        Check("factorVae", () => FactorVae.Validate());
        Check("dipVaeI", () => DipVaeI.Validate());
        Check("dipVaeII", () => DipVaeII.Validate());
        Check("infoVae", () => InfoVae.Validate());
        return this;
    }

    private static void Check(string key, Action validate)
    {
        try { validate(); }
        catch (UserInputException e) { throw new UserInputException($"regularizerOptions.{key}: {e.Message}"); }
    }
}
