using GenomicCode.Core;

namespace GenomicCode.Metrics;

/// <summary>Codes (n, D) paired row by row with integer ground-truth factors (n, K).</summary>
/// <param name="Codes">One code vector per row.</param>
/// <param name="Factors">Class index of each factor per row.</param>
public sealed record LabelledCodes(double[,] Codes, int[,] Factors)
{
    /// <summary>Rows.</summary>
    public int Count => Codes.GetLength(0);

    /// <summary>Code dimensions D.</summary>
    public int CodeSize => Codes.GetLength(1);

    /// <summary>Factors K.</summary>
    public int FactorCount => Factors.GetLength(1);

    /// <summary>Checks row counts, finiteness and that every factor takes at least two values; one-line errors.</summary>
    public LabelledCodes Validate(string what = "codes")
    {
        if (Codes.GetLength(0) != Factors.GetLength(0))
            throw new UserInputException($"{what}: codes have {Codes.GetLength(0)} rows but factors have {Factors.GetLength(0)}; give one factor row per code row.");
        if (Count < 2) throw new UserInputException($"{what}: need at least 2 rows, got {Count}.");
        if (CodeSize < 1 || FactorCount < 1) throw new UserInputException($"{what}: need at least one code column and one factor column.");
        for (int i = 0; i < Count; i++)
            for (int j = 0; j < CodeSize; j++)
                if (!double.IsFinite(Codes[i, j]))
                    throw new UserInputException($"{what}: code row {i} column {j} is {Codes[i, j]}; codes must be finite numbers.");
        for (int k = 0; k < FactorCount; k++)
        {
            int first = Factors[0, k];
            bool varies = false;
            for (int i = 1; i < Count && !varies; i++) varies = Factors[i, k] != first;
            if (!varies) throw new UserInputException($"{what}: factor column {k} has fewer than two distinct values; drop it or sample more data.");
        }
        return this;
    }

    /// <summary>Column <paramref name="j"/> of the codes.</summary>
    public double[] CodeColumn(int j) => Column(Codes, j);

    /// <summary>Column <paramref name="k"/> of the factors.</summary>
    public int[] FactorColumn(int k)
    {
        var c = new int[Count];
        for (int i = 0; i < c.Length; i++) c[i] = Factors[i, k];
        return c;
    }

    /// <summary>Rows [start, start + count) as a new set.</summary>
    public LabelledCodes Rows(int start, int count)
    {
        var c = new double[count, CodeSize];
        var f = new int[count, FactorCount];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < CodeSize; j++) c[i, j] = Codes[start + i, j];
            for (int k = 0; k < FactorCount; k++) f[i, k] = Factors[start + i, k];
        }
        return new LabelledCodes(c, f);
    }

    internal static double[] Column(double[,] a, int j)
    {
        var c = new double[a.GetLength(0)];
        for (int i = 0; i < c.Length; i++) c[i] = a[i, j];
        return c;
    }
}
