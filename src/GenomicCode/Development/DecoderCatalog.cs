using GenomicCode.Core;

namespace GenomicCode.Development;

/// <summary>
/// The decoders GenomicCode knows, by name (as in presets and <c>--decoder</c>): <c>conv</c> (direct blueprint),
/// <c>nca</c>, <c>grn</c>, <c>landscape</c> (developmental).
/// </summary>
public static class DecoderCatalog
{
    private static readonly Dictionary<string, (bool Developmental, Func<int, (int, int, int), int, DevelopmentOptions, GenomeDecoder> Create)> Entries = new()
    {
        ["conv"] = (false, (genome, shape, hidden, _) => new ConvDecoder(genome, shape.Item1, shape.Item2, hidden)),
        ["nca"] = (true, (genome, shape, _, dev) => new NcaDecoder(genome, shape, dev)),
        ["grn"] = (true, (genome, shape, _, dev) => new GrnDecoder(genome, shape, dev)),
        ["landscape"] = (true, (genome, shape, hidden, dev) => new LandscapeDecoder(genome, shape, dev, hidden)),
    };

    /// <summary>Decoder names, in catalogue order.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Keys.ToArray();

    /// <summary>Whether <paramref name="name"/> is a known decoder.</summary>
    public static bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>Whether the decoder grows its phenotype over steps (has a development strip).</summary>
    public static bool IsDevelopmental(string name) => Lookup(name).Developmental;

    /// <summary>
    /// Builds decoder <paramref name="name"/> for genomes of <paramref name="genomeSize"/> and phenotypes of
    /// <paramref name="phenotypeShape"/>; <paramref name="hiddenSize"/> is the dense width of the conv decoder and of the
    /// landscape readout.
    /// </summary>
    public static GenomeDecoder Create(string name, int genomeSize, (int Channels, int Height, int Width) phenotypeShape, int hiddenSize, DevelopmentOptions options)
        => Lookup(name).Create(genomeSize, phenotypeShape, hiddenSize, options.Validate());

    private static (bool Developmental, Func<int, (int, int, int), int, DevelopmentOptions, GenomeDecoder> Create) Lookup(string name) =>
        Entries.TryGetValue(name, out var e) ? e
            : throw new UserInputException($"unknown decoder '{name}'; known: {string.Join(", ", Entries.Keys)}.");
}
