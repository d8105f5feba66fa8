using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Interop;

/// <summary>Copies named tensors into a module's parameters and buffers, all or nothing.</summary>
public static class StateDicts
{
    /// <summary>
    /// Copies <paramref name="tensors"/> into <paramref name="module"/>'s state. Every mismatch (a name the module lacks, a
    /// tensor the file lacks, a different shape) is listed in one <see cref="UserInputException"/>, and nothing is changed
    /// unless everything fits.
    /// </summary>
    public static void Apply(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = module.state_dict(); // the module's own tensors: read and copy into, never dispose
        var problems = new List<string>();
        foreach (var (name, t) in state)
        {
            if (!tensors.TryGetValue(name, out var v)) problems.Add($"missing '{name}' ({Shape(t)})");
            else if (!v.shape.SequenceEqual(t.shape)) problems.Add($"'{name}' is {Shape(v)} in the file, {Shape(t)} in the model");
        }
        problems.AddRange(tensors.Keys.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"unexpected '{k}'"));
        if (problems.Count > 0) throw new UserInputException($"'{source}' does not fit this model: {string.Join("; ", problems)}.");
        using (torch.no_grad())
            foreach (var (name, t) in state)
                t.copy_(tensors[name].to(t.dtype));
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
