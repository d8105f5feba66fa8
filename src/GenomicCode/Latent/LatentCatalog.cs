using GenomicCode.Core.Catalogues;

namespace GenomicCode.Latent;

/// <summary>
/// The latent genomes, by name (presets' <c>model.latent</c>, <c>genomic-code list latents</c>). Adding one is one new
/// file (a <see cref="LatentGenome"/>, its options record and its <c>Entry</c>) plus one line here.
/// </summary>
public static class LatentCatalog
{
    /// <summary>Every latent genome that ships with the library, in listing order.</summary>
    public static Catalogue<LatentContext, LatentGenome> Catalogue { get; } = new(
        "latents", "latent", "The space genomes live in: posterior family, prior, sampling and KL.",
        new CatalogueEntry<LatentContext, LatentGenome>[]
        {
            GaussianLatent.Entry,
            NucleotideLatent.Entry,
        });

    /// <summary>A latent component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name, options);

    /// <summary>Builds the latent genome a component names.</summary>
    public static LatentGenome Create(ComponentSpec spec, LatentContext context) => Catalogue.Create(spec, context);
}

/// <summary>Reads and writes a latent component in presets.</summary>
public sealed class LatentSpecJson() : ComponentSpecJson(() => LatentCatalog.Catalogue);
