using GenomicCode.Core.Catalogues;

namespace GenomicCode.Encoders;

/// <summary>
/// The amortised encoders, by name (presets' <c>model.encoder</c>, <c>--encoder</c>, <c>genomic-code list encoders</c>).
/// Adding one is one new file (a <see cref="GenomeEncoder"/>, its options record and its <c>Entry</c>) plus one line here.
/// </summary>
public static class EncoderCatalog
{
    /// <summary>Every encoder that ships with the library, in listing order.</summary>
    public static Catalogue<EncoderContext, GenomeEncoder> Catalogue { get; } = new(
        "encoders", "encoder", "Amortised encoders: phenotype -> parameters of the posterior over genomes.",
        new CatalogueEntry<EncoderContext, GenomeEncoder>[]
        {
            ConvEncoder.Entry,
            MlpEncoder.Entry,
        });

    /// <summary>An encoder component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name, options);

    /// <summary>Builds the encoder a component names.</summary>
    public static GenomeEncoder Create(ComponentSpec spec, EncoderContext context) => Catalogue.Create(spec, context);
}

/// <summary>Reads and writes an encoder component in presets.</summary>
public sealed class EncoderSpecJson() : ComponentSpecJson(() => EncoderCatalog.Catalogue);
