using System.ComponentModel;
using System.Globalization;
using GenomicCode.Core;
using GenomicCode.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>The data cache option shared by the data verbs.</summary>
public class DataCacheSettings : CommandSettings
{
    /// <summary>Cache folder.</summary>
    [CommandOption("--data-dir <DIR>")]
    [Description("Data cache folder. Default: $GENOMICCODE_DATA, else data/ of the GenomicCode checkout you run in, else a per-user folder (~/.local/share/GenomicCode/data on Linux).")]
    public string? DataDir { get; init; }
}

/// <summary>Settings of <c>genomic-code data get</c>.</summary>
public sealed class DataGetSettings : DataCacheSettings
{
    /// <summary>Data set to fetch.</summary>
    [CommandArgument(0, "<NAME>")]
    [Description("Data set to fetch (see `genomic-code list datasets`).")]
    public string Name { get; init; } = "";

    /// <summary>Installed package or download.</summary>
    [CommandOption("--source <SOURCE>")]
    [Description("fashion-mnist only: auto (the installed package under /usr/share/datasets when there is one, else a download), installed, or download (apt-get download + dpkg-deb -x, no root needed). Default auto.")]
    public string Source { get; init; } = "auto";
}

/// <summary>
/// <c>genomic-code data get NAME</c>: fetches a data set into the cache with the registry's own client, checks sizes and
/// SHA-256 against data/datasets.json, renames the files into place; a no-op when they are already there.
/// </summary>
public sealed class DataGetCommand : Command<DataGetSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public DataGetCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, DataGetSettings settings, CancellationToken cancellationToken)
    {
        var entry = DatasetCatalog.Find(settings.Name);
        if (!DatasetCatalog.IsFetched(entry.Name))
        {
            console.MarkupLine($"{Markup.Escape(entry.Name)} is rendered on demand; there is nothing to fetch.");
            return 0;
        }
        var source = settings.Source.Trim().ToLowerInvariant() switch
        {
            "auto" => FetchSource.Auto,
            "installed" => FetchSource.Installed,
            "download" => FetchSource.Download,
            _ => throw new UserInputException($"--source must be auto, installed or download, got '{settings.Source}'."),
        };
        var cache = DataCache.Resolve(settings.DataDir);
        var fetcher = new DatasetFetcher(cache);
        var result = fetcher.Get(entry.Name, source, line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), cancellationToken);
        string seconds = result.Seconds.ToString("F1", CultureInfo.InvariantCulture);
        if (result.AlreadyPresent)
            console.MarkupLine($"{Markup.Escape(entry.Name)}: already present and verified in {Markup.Escape(result.Directory)}; nothing to do ({seconds} s).");
        else
            console.MarkupLine($"[green]{Markup.Escape(entry.Name)}[/]: {result.FilesWritten} file(s), {Size(result.BytesWritten)} from " +
                               $"{Markup.Escape(result.From)}, checked against data/datasets.json, in {Markup.Escape(result.Directory)} ({seconds} s).");
        return 0;
    }

    private static string Size(long bytes) => bytes >= 1_000_000
        ? (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " MB"
        : (bytes / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " kB";
}
