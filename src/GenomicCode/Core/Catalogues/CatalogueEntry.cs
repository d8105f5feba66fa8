using System.Text.Json;

namespace GenomicCode.Core.Catalogues;

/// <summary>
/// What every catalogue entry says about itself, whatever its family: its name, aliases, a one-line summary, the paper
/// it implements and its options record.
/// </summary>
public abstract class CatalogueEntry
{
    /// <summary>Creates the entry's description.</summary>
    protected CatalogueEntry(string name, string summary, string paper, Type optionsType, IReadOnlyList<string> aliases)
    {
        Guard.NotEmpty(name);
        if (!typeof(IComponentOptions).IsAssignableFrom(optionsType))
            throw new ArgumentException($"{optionsType.Name} does not implement {nameof(IComponentOptions)}.", nameof(optionsType));
        Name = name;
        Summary = summary;
        Paper = paper;
        OptionsType = optionsType;
        Aliases = aliases;
    }

    /// <summary>Catalogue name, used in presets and on the command line.</summary>
    public string Name { get; }

    /// <summary>Other accepted spellings of the name.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>What the component does, in one line.</summary>
    public string Summary { get; }

    /// <summary>The paper (or other source) the component implements; empty for the library's own variants.</summary>
    public string Paper { get; }

    /// <summary>The type of the component's options record.</summary>
    public Type OptionsType { get; }

    /// <summary>A fresh options record with every default.</summary>
    public IComponentOptions DefaultOptions() => (IComponentOptions)Activator.CreateInstance(OptionsType)!;

    /// <summary>Whether <paramref name="name"/> is this entry's name or one of its aliases (case-insensitive).</summary>
    public bool Answers(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads this entry's options from JSON (null or absent: the defaults) with the library's strict settings; unknown
    /// fields and wrong types are a <see cref="JsonException"/>, as for any other part of a preset.
    /// </summary>
    public IComponentOptions ReadOptions(JsonElement? json) =>
        json is { ValueKind: not JsonValueKind.Null } element
            ? (IComponentOptions)(element.Deserialize(OptionsType, JsonSettings.Default)
                ?? throw new JsonException($"the options of {Name} must be an object."))
            : DefaultOptions();

    /// <summary>The options record's fields and their defaults, as (camelCase key, JSON value on one line) pairs, for listings.</summary>
    public IReadOnlyList<(string Key, string Default)> OptionDefaults()
    {
        var defaults = JsonSerializer.SerializeToElement(DefaultOptions(), OptionsType, JsonSettings.Default);
        return defaults.EnumerateObject().Select(p => (p.Name, JsonSerializer.Serialize(p.Value))).ToArray();
    }

    /// <summary>Checks that <paramref name="options"/> are this entry's options record (a programming error otherwise).</summary>
    protected void CheckOptionsType(IComponentOptions options)
    {
        if (!OptionsType.IsInstanceOfType(options))
            throw new ArgumentException($"{Name} takes {OptionsType.Name}, not {options.GetType().Name}.", nameof(options));
    }
}

/// <summary>An entry of a catalogue whose components are built from their options and a <typeparamref name="TContext"/>.</summary>
/// <typeparam name="TContext">What a component needs to be built besides its options (shapes, seed, device).</typeparam>
/// <typeparam name="TProduct">What the entry builds.</typeparam>
public abstract class CatalogueEntry<TContext, TProduct> : CatalogueEntry
{
    /// <summary>Creates the entry's description.</summary>
    protected CatalogueEntry(string name, string summary, string paper, Type optionsType, IReadOnlyList<string> aliases)
        : base(name, summary, paper, optionsType, aliases) { }

    /// <summary>Builds the component from validated options of this entry's type.</summary>
    public abstract TProduct Create(IComponentOptions options, TContext context);
}

/// <summary>A catalogue entry with options record <typeparamref name="TOptions"/>.</summary>
/// <typeparam name="TOptions">The component's options record.</typeparam>
/// <typeparam name="TContext">What a component needs to be built besides its options.</typeparam>
/// <typeparam name="TProduct">What the entry builds.</typeparam>
public sealed class CatalogueEntry<TOptions, TContext, TProduct> : CatalogueEntry<TContext, TProduct>
    where TOptions : class, IComponentOptions, new()
{
    private readonly Func<TOptions, TContext, TProduct> create;

    /// <summary>Describes a component and how to build it.</summary>
    /// <param name="name">Catalogue name.</param>
    /// <param name="summary">One line.</param>
    /// <param name="paper">The source it implements; empty for the library's own variants.</param>
    /// <param name="create">Builds the component from validated options and the context.</param>
    /// <param name="aliases">Other accepted spellings.</param>
    public CatalogueEntry(string name, string summary, string paper, Func<TOptions, TContext, TProduct> create, params string[] aliases)
        : base(name, summary, paper, typeof(TOptions), aliases)
    {
        this.create = create;
    }

    /// <inheritdoc />
    public override TProduct Create(IComponentOptions options, TContext context)
    {
        CheckOptionsType(options);
        options.Validate();
        return create((TOptions)options, context);
    }
}
