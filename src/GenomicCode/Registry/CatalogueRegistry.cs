using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Evolution;
using GenomicCode.Experiments;
using GenomicCode.Latent;
using GenomicCode.Metrics;
using GenomicCode.Regularizers;

namespace GenomicCode.Registry;

/// <summary>
/// Every catalogue of the library, one line per family, for what works on all of them: <c>genomic-code list</c>,
/// documentation and the tests that visit every entry. It sits above every family, so it may name them all; a new
/// family is one line here.
/// </summary>
public static class CatalogueRegistry
{
    /// <summary>The families, in listing order.</summary>
    public static IReadOnlyList<ICatalogue> Catalogues { get; } = new ICatalogue[]
    {
        RegularizerCatalog.Catalogue,
        LatentCatalog.Catalogue,
        EncoderCatalog.Catalogue,
        DecoderCatalog.Catalogue,
        DatasetCatalog.Catalogue,
        MetricCatalog.Catalogue,
        StrategyCatalog.Catalogue,
        ExperimentCatalog.Catalogue,
    };

    /// <summary>Family names (plural, as in <c>genomic-code list decoders</c>).</summary>
    public static IReadOnlyList<string> Families => Catalogues.Select(c => c.Family).ToArray();

    /// <summary>The catalogue of a family, by its plural or singular name (case-insensitive); an unknown one is a one-line error listing the families.</summary>
    public static ICatalogue Find(string family)
    {
        string f = family.Trim();
        return Catalogues.FirstOrDefault(c => string.Equals(c.Family, f, StringComparison.OrdinalIgnoreCase) || string.Equals(c.Noun, f, StringComparison.OrdinalIgnoreCase))
               ?? throw new UserInputException($"unknown family '{family}'; known: {string.Join(", ", Families)}.");
    }
}
