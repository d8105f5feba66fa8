using GenomicCode.Core.Catalogues;

namespace GenomicCode.Development;

/// <summary>What a decoder is built for besides its options.</summary>
/// <param name="GenomeSize">Width of the genomes it reads.</param>
/// <param name="PhenotypeShape">(C, H, W) of the phenotypes it grows.</param>
public sealed record DecoderContext(int GenomeSize, (int Channels, int Height, int Width) PhenotypeShape);

/// <summary>
/// The decoders, by name (presets' <c>model.decoder</c>, <c>--decoder</c>, <c>genomic-code list decoders</c>): the direct
/// "blueprint" <c>conv</c> and the developmental <c>nca</c>, <c>vnca</c>, <c>grn</c> and <c>landscape</c>. Adding one is one new file
/// (a <see cref="GenomeDecoder"/>, its options record and its <c>Entry</c>) plus one line here.
/// </summary>
public static class DecoderCatalog
{
    /// <summary>Every decoder that ships with the library, in listing order.</summary>
    public static Catalogue<DecoderContext, GenomeDecoder> Catalogue { get; } = new(
        "decoders", "decoder", "Development: genome -> phenotype, directly (blueprint) or by a developmental process.",
        new CatalogueEntry<DecoderContext, GenomeDecoder>[]
        {
            ConvDecoder.Entry,
            NcaDecoder.Entry,
            VncaDecoder.Entry,
            GrnDecoder.Entry,
            LandscapeDecoder.Entry,
        });

    /// <summary>Decoder names, in catalogue order.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>Whether <paramref name="name"/> is a known decoder (name or alias).</summary>
    public static bool Contains(string name) => Catalogue.Contains(name);

    /// <summary>Whether the decoder grows its phenotype over steps (its options derive from <see cref="DevelopmentOptions"/>).</summary>
    public static bool IsDevelopmental(string name) => typeof(DevelopmentOptions).IsAssignableFrom(Catalogue.Find(name).OptionsType);

    /// <summary>A decoder component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name, options);

    /// <summary>Builds the decoder a component names.</summary>
    public static GenomeDecoder Create(ComponentSpec spec, DecoderContext context) => Catalogue.Create(spec, context);
}

/// <summary>Reads and writes a decoder component in presets.</summary>
public sealed class DecoderSpecJson() : ComponentSpecJson(() => DecoderCatalog.Catalogue);
