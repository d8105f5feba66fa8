using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>
/// Temperature schedule of the Gumbel-softmax relaxation: tau(step) = max(Min, Start x exp(-DecayRate x step)) (the
/// annealing of Jang et al. 2017, sec. 4.1, there with Start 1, Min 0.5).
/// </summary>
public sealed record GumbelSchedule
{
    /// <summary>Temperature at step 0 (> 0). Default 1.</summary>
    public double Start { get; init; } = 1.0;

    /// <summary>Lowest temperature (> 0, &lt;= Start). Default 0.5.</summary>
    public double Min { get; init; } = 0.5;

    /// <summary>Exponential decay rate per step (>= 0). Default 1e-4.</summary>
    public double DecayRate { get; init; } = 1e-4;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public GumbelSchedule Validate()
    {
        if (!(Start > 0) || double.IsInfinity(Start)) throw new UserInputException($"Gumbel temperature Start must be a finite number > 0, got {Start}.");
        if (!(Min > 0) || Min > Start) throw new UserInputException($"Gumbel temperature Min must be > 0 and <= Start ({Start}), got {Min}.");
        Guard.NonNegative(DecayRate);
        return this;
    }

    /// <summary>The temperature at a step.</summary>
    public double Temperature(long step) => Math.Max(Min, Start * Math.Exp(-DecayRate * step));
}

/// <summary>
/// The nucleotide latent genome: per position a categorical distribution over {A, C, G, T} given by logits (B, L, 4);
/// the prior is uniform. Samples are relaxed one-hot vectors (Gumbel-softmax), so gradients reach the logits.
/// </summary>
public static class NucleotideGenome
{
    /// <summary>The alphabet, in index order: A = 0, C = 1, G = 2, T = 3.</summary>
    public const string Alphabet = "ACGT";

    /// <summary>
    /// Gumbel-softmax sample softmax((logits + G) / tau), G = -log(-log U), U ~ Uniform(0, 1) (Jang et al. 2017, eq. 1;
    /// Maddison et al. 2017). (B, L, 4) in, (B, L, 4) out; noise from <paramref name="generator"/>.
    /// </summary>
    public static Tensor GumbelSoftmax(Tensor logits, double temperature, Generator? generator)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new UserInputException($"Gumbel temperature must be a finite number > 0, got {temperature}.");
        var u = torch.rand(logits.shape, dtype: logits.dtype, device: logits.device, generator: generator).Clamp(1e-10, 1 - 1e-7);
        var gumbel = -(-u.log()).log();
        return logits.Plus(gumbel).Div(temperature).softmax(-1);
    }

    /// <summary>
    /// Straight-through one-hot (Jang et al. 2017, sec. 2.2): the forward value is the one-hot of each row's largest
    /// entry, the gradient that of <paramref name="relaxed"/>: one_hot(argmax y) - y.detach() + y. (B, L, 4) in and out.
    /// </summary>
    public static Tensor StraightThrough(Tensor relaxed)
    {
        var hard = OneHot(relaxed.argmax(-1)).to(relaxed.dtype);
        return (hard - relaxed.detach()).Plus(relaxed);
    }

    /// <summary>
    /// KL(q || Uniform) per position = sum_k q_k log q_k + log 4 (= log 4 - H(q)); (B, L, 4) logits in, (B, L) out.
    /// </summary>
    public static Tensor KlToUniform(Tensor logits)
    {
        var logQ = logits.log_softmax(-1);
        return (logQ.exp() * logQ).sum(dim: -1).Add(Math.Log(4));
    }

    /// <summary>One-hot (B, L, 4) float32 of base indices (B, L).</summary>
    public static Tensor OneHot(Tensor indices) => nn.functional.one_hot(indices, 4).to(ScalarType.Float32);

    /// <summary>The most likely base per position, (B, L, 4) logits to (B, L) int64 indices.</summary>
    public static Tensor MostLikely(Tensor logits) => logits.argmax(-1);

    /// <summary>Base indices (L) or (B, L) to text (one string per row).</summary>
    public static string[] ToStrings(Tensor indices)
    {
        var rows = indices.dim() == 1 ? indices.unsqueeze(0) : indices;
        long b = rows.shape[0], l = rows.shape[1];
        var data = rows.to(ScalarType.Int64).cpu().data<long>().ToArray();
        var result = new string[b];
        for (long i = 0; i < b; i++)
            result[i] = string.Create((int)l, (data, i * l), (span, s) =>
            {
                for (int j = 0; j < span.Length; j++) span[j] = Alphabet[(int)s.data[s.Item2 + j]];
            });
        return result;
    }

    /// <summary>
    /// Text to base indices (B, L) int64. A, C, G, T in either case; anything else is a one-line error naming the
    /// sequence and the 1-based position. All sequences must have the same length.
    /// </summary>
    public static Tensor FromStrings(IReadOnlyList<string> sequences, IReadOnlyList<string>? names = null)
    {
        if (sequences.Count == 0) throw new UserInputException("no sequences given.");
        int l = sequences[0].Length;
        var data = new long[sequences.Count * (long)l];
        for (int i = 0; i < sequences.Count; i++)
        {
            string name = names?[i] ?? $"#{i + 1}";
            if (sequences[i].Length != l)
                throw new UserInputException($"sequence '{name}' has {sequences[i].Length} positions, but the first has {l}; all must have the same length.");
            for (int j = 0; j < l; j++)
            {
                int code = Code(sequences[i][j]);
                if (code < 0)
                    throw new UserInputException($"sequence '{name}', position {j + 1}: '{sequences[i][j]}' is not A, C, G or T.");
                data[i * (long)l + j] = code;
            }
        }
        return torch.tensor(data, new long[] { sequences.Count, l });
    }

    /// <summary>Index of a base (A/a = 0 .. T/t = 3), or -1 for anything else.</summary>
    public static int Code(char c) => char.ToUpperInvariant(c) switch { 'A' => 0, 'C' => 1, 'G' => 2, 'T' => 3, _ => -1 };
}
