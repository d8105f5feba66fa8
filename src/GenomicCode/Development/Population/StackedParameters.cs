using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Evolution;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Development.Population;

/// <summary>
/// Reads one named parameter of every individual out of a population's (P, D) weights as a (P, shape...) view, by the
/// template's <see cref="ParameterVector"/> layout. A parameter the vector leaves out (frozen: no gradient) is the
/// template's own, shared by every individual, as a (1, shape...) view.
/// </summary>
internal sealed class StackedParameters
{
    private readonly Dictionary<string, ParameterSlice> slices;
    private readonly Dictionary<string, Parameter> own;
    private readonly string decoder;

    public StackedParameters(GenomeDecoder template, ParameterVector vector)
    {
        decoder = template.GetName();
        slices = vector.Layout.ToDictionary(s => s.Name, StringComparer.Ordinal);
        own = template.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
    }

    /// <summary>Parameter <paramref name="name"/> of every individual: (P, shape...) from the weights, or the shared (1, shape...).</summary>
    public Tensor Get(Tensor weights, string name)
    {
        if (slices.TryGetValue(name, out var s))
            return weights.narrow(1, s.Offset, s.Length).view(new[] { weights.shape[0] }.Concat(s.Shape).ToArray());
        if (own.TryGetValue(name, out var p))
            return p.detach().to(weights.dtype, weights.device).unsqueeze(0);
        throw new UserInputException($"{decoder} has no parameter '{name}'; the population development expects the decoder's own parameter names.");
    }

    /// <summary>Whether the template has a parameter <paramref name="name"/>.</summary>
    public bool Has(string name) => slices.ContainsKey(name) || own.ContainsKey(name);
}
