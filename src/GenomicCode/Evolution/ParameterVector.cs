using GenomicCode.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Evolution;

/// <summary>Where one parameter tensor lives in a <see cref="ParameterVector"/>.</summary>
/// <param name="Name">State-dict name of the parameter (for example <c>hyperHidden.weight</c>).</param>
/// <param name="Offset">Index of its first value in the flat vector.</param>
/// <param name="Shape">Shape of the parameter tensor.</param>
/// <param name="Length">Number of values (product of the shape).</param>
public sealed record ParameterSlice(string Name, long Offset, long[] Shape, long Length);

/// <summary>
/// A module's trainable parameters seen as one flat (D) vector, so that an evolution strategy can search over a
/// decoder's own weights (evolution as the learning algorithm). The order is that of <c>named_parameters()</c>: the
/// state-dict names and order with buffers and frozen parameters left out; each tensor is flattened row-major
/// (C order, as <c>reshape(-1)</c>). <see cref="Read"/> and <see cref="Write"/> work in place without gradients on the
/// module's own device and dtype.
/// </summary>
public sealed class ParameterVector
{
    private readonly nn.Module module;
    private readonly (string Name, Parameter Parameter)[] parameters;

    /// <summary>Captures the trainable parameters of <paramref name="module"/> (those with <c>requires_grad</c>).</summary>
    public ParameterVector(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        this.module = module;
        parameters = module.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        if (parameters.Length == 0) throw new UserInputException($"module '{module.GetName()}' has no trainable parameters to flatten.");
        var slices = new List<ParameterSlice>(parameters.Length);
        long offset = 0;
        foreach (var (name, p) in parameters)
        {
            slices.Add(new ParameterSlice(name, offset, p.shape.ToArray(), p.numel()));
            offset += p.numel();
        }
        Layout = slices;
        Length = offset;
        var types = parameters.Select(p => p.Parameter.dtype).Distinct().ToArray();
        DType = types.Length == 1 ? types[0] : ScalarType.Float64;
        Device = parameters[0].Parameter.device;
    }

    /// <summary>D: the number of trainable values.</summary>
    public long Length { get; }

    /// <summary>The parameters in vector order, with their offsets and shapes.</summary>
    public IReadOnlyList<ParameterSlice> Layout { get; }

    /// <summary>dtype of <see cref="Read"/>: the parameters' dtype, or float64 when they differ.</summary>
    public ScalarType DType { get; }

    /// <summary>Device of the parameters (of the first one).</summary>
    public Device Device { get; }

    /// <summary>A copy of the current parameters as one (D) vector in <see cref="Layout"/> order.</summary>
    public Tensor Read()
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var parts = parameters.Select(p => p.Parameter.detach().reshape(-1).to(DType)).ToArray();
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Copies a (D) vector into the parameters, in place and without gradients; values are converted to each parameter's
    /// dtype and device. A vector of the wrong shape throws a one-line <see cref="UserInputException"/> and changes nothing.
    /// </summary>
    public void Write(Tensor vector)
    {
        Check(vector);
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach (var (slice, (_, p)) in Layout.Zip(parameters))
            p.copy_(vector.narrow(0, slice.Offset, slice.Length).view(slice.Shape));
    }

    /// <summary>
    /// Evaluates every row of a population (P, D) of parameter vectors: writes the row, calls <paramref name="evaluate"/>
    /// (which runs the module, typically one batched development of all its inputs, and returns a scalar), and collects the
    /// results as a (P) float64 vector on the population's device. The module's parameters are restored afterwards.
    /// </summary>
    /// <remarks>
    /// One call per individual, for any module and any evaluation. For the NCA and GRN decoders,
    /// <see cref="Development.Population.IPopulationDecoder"/> develops all P weight sets in one batched call instead
    /// (TorchSharp has no <c>torch.func.vmap</c>, so those decoders are re-implemented over stacked weights there).
    /// One dispose scope per individual keeps memory flat.
    /// </remarks>
    public Tensor EvaluatePopulation(Tensor population, Func<Tensor> evaluate)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        if (population.dim() != 2 || population.shape[1] != Length)
            throw new UserInputException($"a population of parameter vectors must be (P, {Length}) for module '{module.GetName()}', got ({string.Join(", ", population.shape)}).");
        long n = population.shape[0];
        var values = new List<Tensor>((int)n);
        using var original = Read();
        try
        {
            for (long i = 0; i < n; i++)
            {
                using var scope = torch.NewDisposeScope();
                using (var row = population[i]) Write(row);
                var result = evaluate();
                if (result.numel() != 1)
                    throw new UserInputException($"the evaluation of individual {i} returned {result.numel()} values; it must return one scalar.");
                values.Add(result.detach().reshape(1).to(ScalarType.Float64, population.device).MoveToOuterDisposeScope()); // no host sync per individual
            }
            using var scope2 = torch.NewDisposeScope();
            return torch.cat(values, 0).MoveToOuterDisposeScope();                                                   // (P)
        }
        finally
        {
            foreach (var v in values) v.Dispose();
            Write(original);
        }
    }

    private void Check(Tensor vector)
    {
        if (vector.dim() != 1 || vector.shape[0] != Length)
            throw new UserInputException($"module '{module.GetName()}' has {Length} trainable values ({parameters.Length} parameters, {Layout[0].Name} first); got a vector of shape ({string.Join(", ", vector.shape)}); pass a ({Length}) vector.");
        if (vector.is_floating_point() is false)
            throw new UserInputException($"a parameter vector must hold floating-point values, got {vector.dtype}.");
    }
}
