using GenomicCode.Regularizers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code list regularizers</c> (none).</summary>
public sealed class ListRegularizersSettings : CommandSettings
{
}

/// <summary><c>genomic-code list regularizers</c>: every catalogue entry with its options, defaults and paper.</summary>
public sealed class ListRegularizersCommand : Command<ListRegularizersSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public ListRegularizersCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, ListRegularizersSettings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumn("regularizer").AddColumn("what it adds to the loss").AddColumn("options (default)").AddColumn("paper")
            .Border(TableBorder.Rounded);
        foreach (var e in RegularizerCatalog.Entries)
        {
            string name = e.Aliases.Count == 0 ? e.Name : $"{e.Name} ({string.Join(", ", e.Aliases)})";
            string options = string.Join("\n", e.OptionDefaults().Select(o => $"{o.Key} = {o.Default}"));
            table.AddRow(Markup.Escape(name), Markup.Escape(e.Description), Markup.Escape(options.Length == 0 ? "-" : options), Markup.Escape(e.Paper));
        }
        console.Write(table);
        console.WriteLine("beta is model.beta (CLI: --beta); the other options live under model.regularizerOptions in a preset file. " +
                          "Choose one with --regularizer NAME or model.regularizer.");
        return 0;
    }
}
