using GenomicCode.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>Samples observations from ground-truth data and encodes them: the only place metrics touch tensors.</summary>
public static class CodeSampler
{
    /// <summary>Observations encoded per forward pass.</summary>
    public const int Chunk = 256;

    /// <summary>
    /// Samples <paramref name="n"/> factor vectors, renders and encodes them; the codes are paired with the scored
    /// factors only (<see cref="IGroundTruthData.ScoredFactors"/>, in that order), so every metric built on this scores
    /// what the data says is worth scoring.
    /// </summary>
    public static LabelledCodes Sample(IGroundTruthData data, Representation represent, int n, long seed, Device? device = null)
    {
        var scored = data.CheckedScoredFactors();
        var factors = data.SampleFactors(n, seed);
        return new LabelledCodes(Encode(data, represent, factors, device), ScoredColumns(factors, scored));
    }

    /// <summary>Columns <paramref name="scored"/> of a factor matrix (n, K), in that order: (n, scored.Count).</summary>
    public static int[,] ScoredColumns(int[,] factors, IReadOnlyList<int> scored)
    {
        int n = factors.GetLength(0), k = factors.GetLength(1);
        if (scored.Count == k && scored.Select((f, i) => f == i).All(x => x)) return factors;
        var columns = new int[n, scored.Count];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < scored.Count; j++) columns[i, j] = factors[i, scored[j]];
        return columns;
    }

    /// <summary>Renders the given factor rows and encodes them into an (n, D) array, in chunks.</summary>
    public static double[,] Encode(IGroundTruthData data, Representation represent, int[,] factors, Device? device = null)
    {
        int n = factors.GetLength(0), k = factors.GetLength(1);
        double[,]? codes = null;
        for (int start = 0; start < n; start += Chunk)
        {
            int m = Math.Min(Chunk, n - start);
            var part = new int[m, k];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < k; j++) part[i, j] = factors[start + i, j];
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var z = represent(data.Render(part, device));                 // (m, D)
            if (z.dim() != 2 || z.shape[0] != m)
                throw new Core.UserInputException($"a representation must return (B, D) codes for B observations; got ({string.Join(", ", z.shape)}) for B = {m}.");
            var values = z.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
            int d = (int)z.shape[1];
            codes ??= new double[n, d];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < d; j++) codes[start + i, j] = values[i * d + j];
        }
        return codes ?? new double[0, 0];
    }
}
