using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Experiments;

/// <summary>
/// The result record of an experiment: plain data (numbers, arrays, names, its options and seed) that is, field for field,
/// the JSON file the experiment writes (<see cref="ResultFile"/>), and from which GenomicCode.Plotting draws its figures.
/// </summary>
public interface IExperimentResult
{
}

/// <summary>What an experiment's run gets besides its options.</summary>
/// <param name="Seed">Seed of every random draw the run makes.</param>
/// <param name="Progress">Where to report progress, or null.</param>
/// <param name="CancellationToken">Stops the run between units of work with <see cref="OperationCanceledException"/>.</param>
public sealed record ExperimentContext(long Seed, IProgress<ExperimentProgress>? Progress = null, CancellationToken CancellationToken = default);

/// <summary>A catalogue entry of an experiment: besides name, summary, paper and options record, the file its result goes to.</summary>
public abstract class ExperimentEntry : CatalogueEntry<ExperimentContext, IExperimentResult>
{
    /// <summary>Creates the entry's description.</summary>
    protected ExperimentEntry(string name, string summary, string paper, Type optionsType, Type resultType, string fileName, IReadOnlyList<string> aliases)
        : base(name, summary, paper, optionsType, aliases)
    {
        Guard.NotEmpty(fileName);
        ResultType = resultType;
        FileName = fileName;
    }

    /// <summary>The type of the result record (for reading a result file back: <see cref="ResultFile.Read(string, Type)"/>).</summary>
    public Type ResultType { get; }

    /// <summary>The result file's default name, for example <c>generalisation.json</c>; figures are named after its stem.</summary>
    public string FileName { get; }

    /// <summary>Runs the experiment with validated <paramref name="options"/> of this entry's type.</summary>
    public IExperimentResult Run(IComponentOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Create(options, new ExperimentContext(seed, progress, cancellationToken));
}

/// <summary>An experiment with options record <typeparamref name="TOptions"/> and result record <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TOptions">The experiment's options record.</typeparam>
/// <typeparam name="TResult">The experiment's result record.</typeparam>
public sealed class ExperimentEntry<TOptions, TResult> : ExperimentEntry
    where TOptions : class, IComponentOptions, new()
    where TResult : IExperimentResult
{
    private readonly Func<TOptions, long, IProgress<ExperimentProgress>?, CancellationToken, TResult> run;

    /// <summary>Describes an experiment and how to run it.</summary>
    /// <param name="name">Catalogue name (as in <c>genomic-code experiment NAME</c>).</param>
    /// <param name="summary">One line.</param>
    /// <param name="paper">The paper whose claim or method it tests; empty for the library's own.</param>
    /// <param name="fileName">Default name of its result file.</param>
    /// <param name="run">The experiment's <c>Run(options, seed, progress, cancellationToken)</c>.</param>
    /// <param name="aliases">Other accepted spellings.</param>
    public ExperimentEntry(string name, string summary, string paper, string fileName,
        Func<TOptions, long, IProgress<ExperimentProgress>?, CancellationToken, TResult> run, params string[] aliases)
        : base(name, summary, paper, typeof(TOptions), typeof(TResult), fileName, aliases)
    {
        this.run = run;
    }

    /// <inheritdoc />
    public override IExperimentResult Create(IComponentOptions options, ExperimentContext context)
    {
        CheckOptionsType(options);
        options.Validate();
        return run((TOptions)options, context.Seed, context.Progress, context.CancellationToken);
    }
}

/// <summary>
/// The experiments, so that a study (or any caller) can run one by name with options read from JSON. Adding one is one new
/// file (its options record, result record, <c>Run(options, seed, progress, cancellationToken)</c> and its <c>Entry</c>)
/// plus its <c>Entry</c> in the list here; its figures are one method plus one line in GenomicCode.Plotting's
/// <c>ExperimentFigures</c>.
/// </summary>
public static class ExperimentCatalog
{
    /// <summary>Every experiment that ships with the library, in listing order.</summary>
    public static Catalogue<ExperimentContext, IExperimentResult> Catalogue { get; } = new("experiments", "experiment",
        "Measurements of trained runs and evolution experiments; each writes one JSON result file and its figures.",
        new CatalogueEntry<ExperimentContext, IExperimentResult>[]
        {
            EvaluationExperiment.Entry, AnalysisExperiment.Entry, ScoreExperiment.Entry, EvolveExperiment.Entry, SelectabilityExperiment.Entry,
            EvolvabilityExperiment.Entry, GeneralisationExperiment.Entry, LearningExperiment.Entry, RateDistortionExperiment.Entry,
            RegenerationExperiment.Entry,
        });

    /// <summary>Catalogue names (without aliases), in listing order.</summary>
    public static IReadOnlyList<string> Names => Catalogue.Names;

    /// <summary>
    /// The entry for a name or alias, with its result type and file name; unknown names get a one-line error listing the
    /// known ones.
    /// </summary>
    public static ExperimentEntry Find(string name) =>
        Catalogue.Find(name) as ExperimentEntry
        ?? throw new InvalidOperationException($"experiment '{name}' is not an {nameof(ExperimentEntry)}: it has no result type or file name.");

    /// <summary>Runs the experiment <paramref name="spec"/> names with its options.</summary>
    public static IExperimentResult Run(ComponentSpec spec, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Catalogue.Create(spec, new ExperimentContext(seed, progress, cancellationToken));
}
