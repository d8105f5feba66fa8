
namespace GenomicCode.Core.Catalogues;

/// <summary>
/// The options record of one catalogue component (a decoder, a regulariser, a metric, ...): a <c>sealed record</c> with
/// documented defaults for every field, that round-trips through <see cref="JsonSettings.Default"/>.
/// </summary>
public interface IComponentOptions
{
    /// <summary>
    /// Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range; returns
    /// normally when every field is valid.
    /// </summary>
    void Validate();
}

/// <summary>Options of a component that has no options.</summary>
public sealed record NoOptions : IComponentOptions
{
    /// <inheritdoc />
    public void Validate() { }
}

/// <summary>The context of a family whose components need nothing besides their options.</summary>
public sealed class NoContext
{
    private NoContext() { }

    /// <summary>The one instance.</summary>
    public static NoContext Instance { get; } = new();
}
