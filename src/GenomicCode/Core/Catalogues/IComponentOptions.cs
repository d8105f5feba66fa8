
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
