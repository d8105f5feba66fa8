using System.Text.Json;

namespace GenomicCode.Core.Catalogues;

/// <summary>A catalogue seen without its types: what listings and documentation need.</summary>
public interface ICatalogue
{
    /// <summary>The family, plural, as in <c>genomic-code list decoders</c>.</summary>
    string Family { get; }

    /// <summary>One member of the family, singular, as in error messages ("unknown decoder 'x'").</summary>
    string Noun { get; }

    /// <summary>One line on what the family is for.</summary>
    string Summary { get; }

    /// <summary>Every entry, in listing order.</summary>
    IReadOnlyList<CatalogueEntry> Entries { get; }

    /// <summary>
    /// A column that listings add for this family (null: none), for facts that depend on the machine, such as whether a
    /// data set is in the data cache.
    /// </summary>
    CatalogueStatus? Status { get; }

    /// <summary>The entry for a name or alias (case-insensitive); unknown names get a one-line error listing the known ones.</summary>
    CatalogueEntry FindEntry(string name);

    /// <summary>A component of this family with the given name and options (null: the defaults), options validated.</summary>
    ComponentSpec Spec(string name, IComponentOptions? options = null);

    /// <summary>
    /// Reads a component from JSON: <c>"name"</c> (default options) or <c>{ "name": ..., "options": { ... } }</c>.
    /// Unknown names and malformed options are a <see cref="JsonException"/>.
    /// </summary>
    ComponentSpec Read(JsonElement element);

    /// <summary>
    /// Checks that a spec names a known entry, carries that entry's options record, and that the options are valid; errors
    /// are one line prefixed with <paramref name="where"/> (for example <c>model.decoder</c>).
    /// </summary>
    void Validate(ComponentSpec spec, string where);
}

/// <summary>A per-entry column of a family's listing: its heading and, for each entry, its value on this machine.</summary>
/// <param name="Heading">Column heading, e.g. <c>in the cache</c>.</param>
/// <param name="Value">The entry's value, given where the listing looks (for example the data cache folder).</param>
/// <param name="Footer">A line under the listing (for example which data cache was looked at); null for none.</param>
public sealed record CatalogueStatus(string Heading, Func<CatalogueEntry, ListingContext, string> Value, Func<ListingContext, string>? Footer = null);

/// <summary>What a listing was asked about the machine it runs on.</summary>
/// <param name="DataDirectory">The data cache folder given on the command line (null: the default one).</param>
public sealed record ListingContext(string? DataDirectory = null);

/// <summary>
/// One family of interchangeable components (regularisers, latent genomes, encoders, decoders, data sets, metrics,
/// evolution strategies, experiments): each entry has a name, aliases, a summary, its paper, its own options record and a
/// factory. A variant of the library is one new file plus one entry in its family's catalogue; a program that uses the
/// library adds its own variants with <see cref="Register"/> before it reads presets.
/// </summary>
/// <typeparam name="TContext">What a component needs to be built besides its options.</typeparam>
/// <typeparam name="TProduct">What the entries build.</typeparam>
public sealed class Catalogue<TContext, TProduct> : ICatalogue
{
    private readonly object gate = new();
    private volatile CatalogueEntry<TContext, TProduct>[] entries;

    /// <summary>Creates a catalogue; names and aliases must be unique (case-insensitive).</summary>
    public Catalogue(string family, string noun, string summary, IEnumerable<CatalogueEntry<TContext, TProduct>> entries, CatalogueStatus? status = null)
    {
        Family = family;
        Noun = noun;
        Summary = summary;
        Status = status;
        var list = entries.ToArray();
        CheckUnique(list, nameof(entries));
        this.entries = list;
    }

    /// <inheritdoc />
    public string Family { get; }

    /// <inheritdoc />
    public string Noun { get; }

    /// <inheritdoc />
    public string Summary { get; }

    /// <inheritdoc />
    public CatalogueStatus? Status { get; }

    /// <summary>Every entry, in listing order.</summary>
    public IReadOnlyList<CatalogueEntry<TContext, TProduct>> Entries => entries;

    IReadOnlyList<CatalogueEntry> ICatalogue.Entries => entries;

    /// <summary>Catalogue names (without aliases), in listing order.</summary>
    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToArray();

    /// <summary>
    /// Adds an entry after the shipped ones, so that presets, <see cref="Read"/> and <see cref="Create"/> know it (a
    /// program's own variant). Its name and aliases must be new. Disposing the result removes the entry again.
    /// </summary>
    public IDisposable Register(CatalogueEntry<TContext, TProduct> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (gate)
        {
            var list = entries.Append(entry).ToArray();
            CheckUnique(list, nameof(entry));
            entries = list;
        }
        return new Registration(() =>
        {
            lock (gate) entries = entries.Where(e => !ReferenceEquals(e, entry)).ToArray();
        });
    }

    /// <summary>Whether a name or alias is known.</summary>
    public bool Contains(string name) => entries.Any(e => e.Answers(name));

    /// <summary>The entry for a name or alias (case-insensitive); unknown names get a one-line error listing the known ones.</summary>
    public CatalogueEntry<TContext, TProduct> Find(string name) =>
        entries.FirstOrDefault(e => e.Answers(name))
        ?? throw new UserInputException($"unknown {Noun} '{name}'; known: {string.Join(", ", Names)}.");

    /// <inheritdoc />
    public CatalogueEntry FindEntry(string name) => Find(name);

    /// <inheritdoc />
    public ComponentSpec Spec(string name, IComponentOptions? options = null)
    {
        var entry = Find(name);
        options ??= entry.DefaultOptions();
        if (!entry.OptionsType.IsInstanceOfType(options))
            throw new UserInputException($"{Noun} '{entry.Name}' takes {entry.OptionsType.Name}, not {options.GetType().Name}.");
        var spec = new ComponentSpec(entry.Name, options);
        Validate(spec, Noun);
        return spec;
    }

    /// <summary>Builds the component a spec names, with its options.</summary>
    public TProduct Create(ComponentSpec spec, TContext context) => Find(spec.Name).Create(spec.Options, context);

    /// <inheritdoc />
    public void Validate(ComponentSpec spec, string where)
    {
        var entry = Find(spec.Name);
        if (!entry.OptionsType.IsInstanceOfType(spec.Options))
            throw new UserInputException($"{where}: {Noun} '{entry.Name}' takes {entry.OptionsType.Name}, not {spec.Options.GetType().Name}.");
        try { spec.Options.Validate(); }
        catch (UserInputException e) { throw new UserInputException($"{where}.options: {e.Message}", e); }
    }

    /// <inheritdoc />
    public ComponentSpec Read(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
            {
                var entry = FindForJson(element.GetString()!);
                return new ComponentSpec(entry.Name, entry.DefaultOptions());
            }
            case JsonValueKind.Object:
            {
                string? name = null;
                JsonElement? options = null;
                foreach (var p in element.EnumerateObject())
                {
                    if (p.NameEquals("name") && p.Value.ValueKind == JsonValueKind.String) name = p.Value.GetString();
                    else if (p.NameEquals("options")) options = p.Value;
                    else throw new JsonException($"a {Noun} has only 'name' and 'options'; '{p.Name}' is not allowed.");
                }
                if (string.IsNullOrEmpty(name)) throw new JsonException($"a {Noun} needs a 'name' (one of {string.Join(", ", Names)}).");
                var found = FindForJson(name);
                return new ComponentSpec(found.Name, found.ReadOptions(options));
            }
            default:
                throw new JsonException($"a {Noun} is a name or {{ \"name\": ..., \"options\": {{ ... }} }}, not {element.ValueKind}.");
        }
    }

    private void CheckUnique(CatalogueEntry<TContext, TProduct>[] list, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in list)
            foreach (string n in e.Aliases.Prepend(e.Name))
                if (!seen.Add(n)) throw new ArgumentException($"the {Family} catalogue names '{n}' twice.", parameter);
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        private Action? remove = remove;

        public void Dispose() => Interlocked.Exchange(ref remove, null)?.Invoke();
    }

    private CatalogueEntry<TContext, TProduct> FindForJson(string name) =>
        entries.FirstOrDefault(e => e.Answers(name))
        ?? throw new JsonException($"unknown {Noun} '{name}'; known: {string.Join(", ", Names)}.");
}
