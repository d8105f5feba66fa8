using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Models;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>What a regulariser may need to know when it is built, besides its options.</summary>
/// <param name="LatentSize">Latent genome dimensions D.</param>
/// <param name="DatasetSize">Size N of the training set (0 when unknown); beta-TCVAE's estimators need it.</param>
/// <param name="Seed">Run seed; regularisers that draw random numbers derive their streams from it.</param>
/// <param name="Device">Where the regulariser's own tensors and networks live.</param>
public sealed record RegularizerContext(int LatentSize, long DatasetSize, long Seed, Device Device);

/// <summary>One catalogue entry: a regulariser's name, what it does, where it comes from, and how to build it.</summary>
/// <param name="Name">Catalogue name used in presets and on the command line.</param>
/// <param name="Aliases">Other accepted spellings.</param>
/// <param name="Description">One sentence.</param>
/// <param name="Paper">The paper that defines it.</param>
/// <param name="UsesBeta">Whether <see cref="ModelOptions.Beta"/> (and the CLI's --beta) sets one of its weights.</param>
/// <param name="OptionsKey">Property of <see cref="RegularizerOptions"/> holding its options (camelCase), or null when it has none besides beta.</param>
/// <param name="Create">Builds the regulariser from the model options and the context.</param>
public sealed record RegularizerEntry(
    string Name,
    IReadOnlyList<string> Aliases,
    string Description,
    string Paper,
    bool UsesBeta,
    string? OptionsKey,
    Func<ModelOptions, RegularizerContext, IRegularizer> Create)
{
    /// <summary>
    /// The options this regulariser reads, with their defaults, as (key, default) pairs for listings: <c>beta</c> is
    /// <c>model.beta</c>; the others live under <c>model.regularizerOptions</c>, e.g. <c>factorVae.gamma</c>.
    /// </summary>
    public IReadOnlyList<(string Key, string Default)> OptionDefaults()
    {
        var list = new List<(string, string)>();
        if (UsesBeta) list.Add(("beta", "1"));
        if (OptionsKey is null) return list;
        var defaults = JsonSerializer.SerializeToElement(new RegularizerOptions(), JsonSettings.Default).GetProperty(OptionsKey);
        foreach (var p in defaults.EnumerateObject()) list.Add(($"{OptionsKey}.{p.Name}", p.Value.ToString()));
        return list;
    }
}

/// <summary>Finds regularisers by name. Adding one means one new file plus one line in <see cref="Entries"/>.</summary>
public static class RegularizerCatalog
{
    /// <summary>Every regulariser that ships with the library, in the order they are listed.</summary>
    public static IReadOnlyList<RegularizerEntry> Entries { get; } = new[]
    {
        BetaVae.Entry, AnnealedVae.Entry, BetaTcVae.Entry, FactorVae.Entry, DipVaeI.Entry, DipVaeII.Entry, InfoVae.Entry,
    };

    /// <summary>Catalogue names (without aliases).</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    /// <summary>The entry for a name or alias; unknown names get a one-line error listing the known ones.</summary>
    public static RegularizerEntry Find(string name) =>
        Entries.FirstOrDefault(e => e.Name == name || e.Aliases.Contains(name))
        ?? throw new UserInputException($"unknown regularizer '{name}'; known: {string.Join(", ", Names)}.");

    /// <summary>Builds the regulariser that <paramref name="options"/> select.</summary>
    public static IRegularizer Create(ModelOptions options, RegularizerContext context) =>
        Find(options.Regularizer).Create(options, context);
}
