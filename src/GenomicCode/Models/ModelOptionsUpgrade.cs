using System.Text.Json.Nodes;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Encoders;
using GenomicCode.Regularizers;

namespace GenomicCode.Models;

/// <summary>
/// Upgrades model options of the previous form, which run folders (config.json) and checkpoint headers may still hold,
/// to components. The previous form kept the parts' settings beside their names: <c>hiddenSize</c> (the dense width of
/// the conv encoder, the conv decoder and the landscape readout), <c>development</c> (one record of every developmental
/// decoder's fields), <c>beta</c> and <c>regularizerOptions</c> (one record per regulariser). The upgrade moves each
/// setting into the options of the component that reads it and drops the ones the chosen component ignores, so the
/// upgraded options build the same model. A model that mixes both forms (a component object and a setting of the
/// previous form, as a JSON path set on a preset gives) keeps the previous form's setting: it is the later one.
/// </summary>
public static class ModelOptionsUpgrade
{
    private static readonly string[] PreviousFields = { "hiddenSize", "development", "beta", "regularizerOptions" };

    /// <summary>Whether a model object is in the previous form (it has one of its fields).</summary>
    public static bool IsPrevious(JsonObject model) => PreviousFields.Any(model.ContainsKey);

    /// <summary>Rewrites <paramref name="model"/> in place into components when it is in the previous form; returns whether it was.</summary>
    public static bool Upgrade(JsonObject model)
    {
        if (!IsPrevious(model)) return false;
        var hiddenSize = Take(model, "hiddenSize");
        var development = Take(model, "development") as JsonObject;
        var beta = Take(model, "beta");
        var regularizerOptions = Take(model, "regularizerOptions") as JsonObject;

        // The encoder: only conv existed; hiddenSize was its dense width.
        var encoder = Component(model, "encoder", EncoderCatalog.Catalogue, "conv");
        if (encoder.Entry.OptionsType == typeof(ConvEncoderOptions)) Set(encoder.Options, "hiddenSize", hiddenSize);
        model["encoder"] = encoder.ToJson();

        // The decoder: conv took hiddenSize; landscape took it for its readout; the developmental ones read their fields of development.
        var decoder = Component(model, "decoder", DecoderCatalog.Catalogue, "conv");
        if (development is not null && typeof(DevelopmentOptions).IsAssignableFrom(decoder.Entry.OptionsType))
            CopyKnown(development, decoder.Options, decoder.Entry);
        if (decoder.Entry.OptionsType == typeof(ConvDecoderOptions)) Set(decoder.Options, "hiddenSize", hiddenSize);
        if (decoder.Entry.OptionsType == typeof(LandscapeOptions)) Set(decoder.Options, "readoutHiddenSize", hiddenSize);
        model["decoder"] = decoder.ToJson();

        // The regulariser: its record of regularizerOptions, and beta where its options have one.
        var regularizer = Component(model, "regularizer", RegularizerCatalog.Catalogue, "beta-vae");
        if (regularizerOptions?[PreviousRegularizerKey(regularizer.Entry.Name)] is JsonObject own) CopyKnown(own, regularizer.Options, regularizer.Entry);
        if (typeof(IBetaOptions).IsAssignableFrom(regularizer.Entry.OptionsType)) Set(regularizer.Options, "beta", beta);
        model["regularizer"] = regularizer.ToJson();
        return true;
    }

    /// <summary>The key of a regulariser's record in the previous <c>regularizerOptions</c> (camelCase of its options record's name).</summary>
    private static string PreviousRegularizerKey(string name) => name switch
    {
        "annealed-vae" => "annealedVae",
        "beta-tcvae" => "betaTcVae",
        "factor-vae" => "factorVae",
        "dip-vae-i" => "dipVaeI",
        "dip-vae-ii" => "dipVaeII",
        "info-vae" => "infoVae",
        _ => name,
    };

    private sealed record Part(CatalogueEntry Entry, JsonObject Options)
    {
        public JsonObject ToJson() => new() { ["name"] = Entry.Name, ["options"] = Options };
    }

    /// <summary>The component a field names: a bare name (previous form) or a component object; options copied, absent ones empty.</summary>
    private static Part Component(JsonObject model, string field, ICatalogue catalogue, string fallback)
    {
        var node = model[field];
        string name = fallback;
        JsonObject options = new();
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var s):
                name = s;
                break;
            case JsonObject obj:
                if (obj["name"] is JsonValue n && n.TryGetValue<string>(out var named)) name = named;
                if (obj["options"] is JsonObject o) options = (JsonObject)o.DeepClone();
                break;
        }
        var entry = catalogue.Entries.FirstOrDefault(e => e.Answers(name));
        // An unknown name stays as it was, so that reading the upgraded options names it in the usual one-line error.
        return entry is null ? new Part(new UnknownEntry(name), options) : new Part(entry, options);
    }

    /// <summary>Copies the fields of <paramref name="from"/> that the entry's options record has; the others are dropped.</summary>
    private static void CopyKnown(JsonObject from, JsonObject to, CatalogueEntry entry)
    {
        var known = entry is UnknownEntry ? from.Select(p => p.Key).ToHashSet() : entry.OptionDefaults().Select(o => o.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in from)
            if (known.Contains(key)) to[key] = value?.DeepClone();
    }

    private static void Set(JsonObject options, string key, JsonNode? value)
    {
        if (value is not null) options[key] = value.DeepClone();
    }

    private static JsonNode? Take(JsonObject model, string key)
    {
        if (!model.TryGetPropertyValue(key, out var value)) return null;
        model.Remove(key);
        return value;
    }

    /// <summary>Stands for a name no catalogue knows, so the upgrade keeps it for the error that reading gives.</summary>
    private sealed class UnknownEntry(string name) : CatalogueEntry(name, "", "", typeof(NoOptions), Array.Empty<string>());
}
