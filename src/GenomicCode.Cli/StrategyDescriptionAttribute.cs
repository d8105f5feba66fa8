using System.ComponentModel;
using GenomicCode.Evolution;

namespace GenomicCode.Cli;

/// <summary>
/// The description of a <c>--strategy</c> option: the given text followed by the strategies catalogue's names, read from
/// the catalogue when the help is shown, so a new strategy appears without editing the option.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class StrategyDescriptionAttribute(string text) : DescriptionAttribute(text)
{
    /// <inheritdoc />
    public override string Description => $"{DescriptionValue} One of: {string.Join(", ", StrategyCatalog.Names)} (genomic-code list strategies).";
}
