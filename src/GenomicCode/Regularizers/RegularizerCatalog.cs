using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>What a regulariser may need to know when it is built, besides its options.</summary>
/// <param name="LatentSize">Width D of the genome samples it sees.</param>
/// <param name="DatasetSize">Size N of the training set (0 when unknown); beta-TCVAE's estimators need it.</param>
/// <param name="Seed">Run seed; regularisers that draw random numbers derive their streams from it.</param>
/// <param name="Device">Where the regulariser's own tensors and networks live.</param>
public sealed record RegularizerContext(int LatentSize, long DatasetSize, long Seed, Device Device);

/// <summary>
/// Options of a regulariser with a weight beta (beta-VAE's KL weight, beta-TCVAE's total-correlation weight): the CLI's
/// <c>--beta</c> sets it.
/// </summary>
public interface IBetaOptions : IComponentOptions
{
    /// <summary>The weight beta.</summary>
    double Beta { get; }

    /// <summary>The same options with beta replaced.</summary>
    IBetaOptions WithBeta(double beta);
}

/// <summary>
/// The latent regularisers, by name (presets' <c>model.regularizer</c>, <c>--regularizer</c>,
/// <c>genomic-code list regularizers</c>). Adding one is one new file (the regulariser, its options record and its
/// <c>Entry</c>) plus one line here.
/// </summary>
public static class RegularizerCatalog
{
    /// <summary>Every regulariser that ships with the library, in listing order.</summary>
    public static Catalogue<RegularizerContext, IRegularizer> Catalogue { get; } = new(
        "regularizers", "regularizer", "Terms added to the reconstruction loss that shape the latent genome.",
        new CatalogueEntry<RegularizerContext, IRegularizer>[]
        {
            BetaVae.Entry,
            AnnealedVae.Entry,
            BetaTcVae.Entry,
            FactorVae.Entry,
            DipVaeI.Entry,
            DipVaeII.Entry,
            InfoVae.Entry,
        });

    /// <summary>Catalogue names (without aliases), in listing order.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>The entry for a name or alias; unknown names get a one-line error listing the known ones.</summary>
    public static CatalogueEntry<RegularizerContext, IRegularizer> Find(string name) => Catalogue.Find(name);

    /// <summary>A regulariser component: <paramref name="name"/> with <paramref name="options"/> (null: its defaults).</summary>
    public static ComponentSpec Spec(string name, IComponentOptions? options = null) => Catalogue.Spec(name, options);

    /// <summary>Builds the regulariser a component names.</summary>
    public static IRegularizer Create(ComponentSpec spec, RegularizerContext context) => Catalogue.Create(spec, context);

    /// <summary>
    /// The component with its beta set to <paramref name="beta"/>; a regulariser without a beta gets a one-line error
    /// naming the ones that have one.
    /// </summary>
    public static ComponentSpec WithBeta(ComponentSpec spec, double beta)
    {
        if (spec.Options is not IBetaOptions weighted)
        {
            var withBeta = Catalogue.Entries.Where(e => typeof(IBetaOptions).IsAssignableFrom(e.OptionsType)).Select(e => e.Name);
            throw new UserInputException($"--beta does not apply to regularizer '{spec.Name}' (only to {string.Join(", ", withBeta)}); " +
                                         "set its weights in model.regularizer.options of a preset file (see `genomic-code list regularizers`).");
        }
        return Catalogue.Spec(spec.Name, weighted.WithBeta(beta));
    }
}

/// <summary>Reads and writes a regulariser component in presets.</summary>
public sealed class RegularizerSpecJson() : ComponentSpecJson(() => RegularizerCatalog.Catalogue);
