using System.ComponentModel;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code presets</c>.</summary>
public sealed class PresetsSettings : CommandSettings
{
    /// <summary>A preset to print as JSON.</summary>
    [CommandArgument(0, "[name]")]
    [Description("Print this preset as JSON (a starting point for your own preset file).")]
    public string? Name { get; init; }
}

/// <summary><c>genomic-code presets</c>: lists shipped presets, or prints one.</summary>
public sealed class PresetsCommand : Command<PresetsSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public PresetsCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, PresetsSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Name is not null)
        {
            console.Profile.Out.Writer.WriteLine(PresetCatalog.Load(settings.Name).ToJson());
            return 0;
        }
        var table = new Table().AddColumn("preset").AddColumn("steps").AddColumn("description").Border(TableBorder.Rounded);
        foreach (string name in PresetCatalog.Names)
        {
            var p = PresetCatalog.Load(name);
            table.AddRow(name, p.Training.Steps.ToString(), Markup.Escape(p.Description));
        }
        console.Write(table);
        return 0;
    }
}
