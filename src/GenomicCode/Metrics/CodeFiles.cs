using GenomicCode.Core;
using GenomicCode.Data;

namespace GenomicCode.Metrics;

/// <summary>Loads codes and factors written by any program (NPY or CSV, one row per sample) and checks them.</summary>
public static class CodeFiles
{
    /// <summary>Reads an NPY (<c>.npy</c>) or CSV (anything else) file as a matrix.</summary>
    public static NumericArray ReadArray(string path) =>
        path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? Npy.Read(path) : CsvMatrix.Read(path);

    /// <summary>
    /// Loads codes (n, D) and factors (n, K). Factor values must be whole numbers; each factor column's distinct values
    /// are mapped to class indices 0..k-1 in increasing order. Different row counts, non-finite codes, a non-integer
    /// factor value or a factor with fewer than two values are one-line errors naming the file and column.
    /// </summary>
    public static LabelledCodes Load(string codesPath, string factorsPath)
    {
        var codesArray = ReadArray(codesPath);
        var factorsArray = ReadArray(factorsPath);
        var codes = codesArray.ToMatrix(codesPath);
        var raw = factorsArray.ToMatrix(factorsPath);
        int n = codes.GetLength(0), k = raw.GetLength(1);
        if (raw.GetLength(0) != n)
            throw new UserInputException($"{codesPath} has {n} rows but {factorsPath} has {raw.GetLength(0)}; give one factor row per code row.");
        for (int i = 0; i < n; i++)
            for (int j = 0; j < codes.GetLength(1); j++)
                if (!double.IsFinite(codes[i, j]))
                    throw new UserInputException($"{codesPath}: row {i} column {j} is {codes[i, j]}; codes must be finite numbers (drop or impute NaN rows).");
        var factors = new int[n, k];
        for (int j = 0; j < k; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double v = raw[i, j];
                if (!double.IsFinite(v) || v != Math.Floor(v) || Math.Abs(v) > int.MaxValue)
                    throw new UserInputException($"{factorsPath}: factor column {j} is not integer (row {i} is {v}); give factors as integer class indices.");
            }
            var distinct = Enumerable.Range(0, n).Select(i => raw[i, j]).Distinct().OrderBy(v => v).ToArray();
            if (distinct.Length < 2)
                throw new UserInputException($"{factorsPath}: factor column {j} has fewer than two distinct values; drop the column.");
            var index = distinct.Select((v, c) => (v, c)).ToDictionary(p => p.v, p => p.c);
            for (int i = 0; i < n; i++) factors[i, j] = index[raw[i, j]];
        }
        return new LabelledCodes(codes, factors).Validate(codesPath);
    }

    /// <summary>Splits rows into the first half (train) and the second half (test), as <c>genomic-code score</c> does.</summary>
    public static (LabelledCodes Train, LabelledCodes Test) SplitHalves(LabelledCodes all)
    {
        int half = all.Count / 2;
        if (half < 1) throw new UserInputException($"need at least 2 rows to split into train and test halves, got {all.Count}.");
        return (all.Rows(0, half), all.Rows(half, all.Count - half));
    }
}
