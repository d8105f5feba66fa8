using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenomicCode.Core.Catalogues;

/// <summary>
/// A component chosen by name with its options, as presets write it: <c>{ "name": "grn", "options": { "steps": 20 } }</c>.
/// Two specs are equal when their names and options records are.
/// </summary>
/// <param name="Name">The catalogue name (aliases are resolved when a spec is read or made).</param>
/// <param name="Options">The options record of the named entry.</param>
public sealed record ComponentSpec(string Name, IComponentOptions Options)
{
    /// <summary>The options as the record type <typeparamref name="T"/>; a programming error when they are another type.</summary>
    public T OptionsAs<T>() where T : IComponentOptions =>
        Options is T t ? t : throw new InvalidOperationException($"'{Name}' has options of type {Options.GetType().Name}, not {typeof(T).Name}.");
}

/// <summary>
/// Reads and writes <see cref="ComponentSpec"/>s of one catalogue. A family declares its converter in one line, e.g.
/// <c>public sealed class DecoderSpecJson() : ComponentSpecJson(() =&gt; DecoderCatalog.Catalogue);</c>, and the preset
/// property that holds such a component carries <c>[JsonConverter(typeof(DecoderSpecJson))]</c>. Reading accepts a bare
/// name (default options) or <c>{ "name": ..., "options": { ... } }</c>; writing always gives the full object.
/// </summary>
public abstract class ComponentSpecJson : JsonConverter<ComponentSpec>
{
    private readonly Lazy<ICatalogue> catalogue;

    /// <summary>Creates the converter for the catalogue <paramref name="catalogue"/> returns (read lazily, at first use).</summary>
    protected ComponentSpecJson(Func<ICatalogue> catalogue)
    {
        this.catalogue = new Lazy<ICatalogue>(catalogue);
    }

    /// <inheritdoc />
    public override ComponentSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return catalogue.Value.Read(document.RootElement.Clone());
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ComponentSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WritePropertyName("options");
        JsonSerializer.Serialize(writer, value.Options, value.Options.GetType(), options);
        writer.WriteEndObject();
    }
}

/// <summary>
/// Reads and writes a list of <see cref="ComponentSpec"/>s of one catalogue as a JSON array, each element as
/// <see cref="ComponentSpecJson"/> reads and writes one. A family declares it in one line, as its single converter.
/// </summary>
public abstract class ComponentSpecListJson : JsonConverter<IReadOnlyList<ComponentSpec>>
{
    private readonly Lazy<ICatalogue> catalogue;

    /// <summary>Creates the converter for the catalogue <paramref name="catalogue"/> returns (read lazily, at first use).</summary>
    protected ComponentSpecListJson(Func<ICatalogue> catalogue)
    {
        this.catalogue = new Lazy<ICatalogue>(catalogue);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ComponentSpec> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new JsonException($"a list of {catalogue.Value.Family} is a JSON array, not {document.RootElement.ValueKind}.");
        return document.RootElement.EnumerateArray().Select(e => catalogue.Value.Read(e.Clone())).ToArray();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ComponentSpec> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var spec in value)
        {
            writer.WriteStartObject();
            writer.WriteString("name", spec.Name);
            writer.WritePropertyName("options");
            JsonSerializer.Serialize(writer, spec.Options, spec.Options.GetType(), options);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
