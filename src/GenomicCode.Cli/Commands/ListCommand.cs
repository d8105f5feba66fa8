using System.ComponentModel;
using GenomicCode.Core.Catalogues;
using GenomicCode.Registry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code list [FAMILY]</c>.</summary>
public sealed class ListSettings : DataCacheSettings
{
    /// <summary>The family to list.</summary>
    [CommandArgument(0, "[FAMILY]")]
    [Description("The family to list (see `genomic-code list` for the families). Without one: every family.")]
    public string? Family { get; init; }
}

/// <summary>
/// <c>genomic-code list FAMILY</c>: every entry of a catalogue (name, aliases, summary, options with defaults, paper),
/// generated from <see cref="CatalogueRegistry"/>; <c>genomic-code list</c> names the families.
/// </summary>
public sealed class ListCommand : Command<ListSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public ListCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, ListSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Family))
        {
            var families = new Table().AddColumn("family").AddColumn("what it holds").AddColumn("entries").Border(TableBorder.Rounded);
            foreach (var c in CatalogueRegistry.Catalogues)
                families.AddRow(Markup.Escape(c.Family), Markup.Escape(c.Summary), Markup.Escape(string.Join(", ", c.Entries.Select(e => e.Name))));
            console.Write(families);
            console.WriteLine("List one with: genomic-code list FAMILY");
            return 0;
        }
        var catalogue = CatalogueRegistry.Find(settings.Family);
        var listing = new ListingContext(settings.DataDir);
        var table = new Table().AddColumn(catalogue.Noun).AddColumn("what it does").AddColumn("options (default)");
        if (catalogue.Status is not null) table.AddColumn(catalogue.Status.Heading);
        table.AddColumn("source").Border(TableBorder.Rounded);
        foreach (var e in catalogue.Entries)
        {
            string name = e.Aliases.Count == 0 ? e.Name : $"{e.Name} ({string.Join(", ", e.Aliases)})";
            string options = string.Join("\n", e.OptionDefaults().Select(o => $"{o.Key} = {Shorten(o.Default)}"));
            var row = new List<string> { name, e.Summary, options.Length == 0 ? "-" : options };
            if (catalogue.Status is not null) row.Add(catalogue.Status.Value(e, listing));
            row.Add(e.Paper.Length == 0 ? "-" : e.Paper);
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
        console.WriteLine($"{catalogue.Summary} A preset names one as \"NAME\" (its defaults) or {{ \"name\": NAME, \"options\": {{ ... }} }}.");
        if (catalogue.Status?.Footer is { } footer) console.WriteLine(footer(listing));
        return 0;
    }

    /// <summary>Longest default shown in full; longer ones (nested components, lists) end in "...".</summary>
    public const int LongestDefault = 48;

    private static string Shorten(string value) => value.Length <= LongestDefault ? value : value[..(LongestDefault - 3)] + "...";
}
