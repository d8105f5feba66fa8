namespace GenomicCode.Analysis;

/// <summary>
/// Summary of an effect matrix E (genes x traits): pleiotropy (traits each gene moves), polygenicity (genes moving
/// each trait) and the effect-size spectrum, counting |E_gt| above a threshold (Wagner and Zhang 2011, "The
/// pleiotropic structure of the genotype-phenotype map", degree of pleiotropy).
/// </summary>
/// <param name="Threshold">|effect| above which a gene counts as moving a trait.</param>
/// <param name="Pleiotropy">Per gene: number of traits with |E_gt| &gt; threshold.</param>
/// <param name="Polygenicity">Per trait: number of genes with |E_gt| &gt; threshold.</param>
/// <param name="Spectrum">All |E_gt|, largest first (the effect-size spectrum).</param>
/// <param name="GeneSpectra">Per gene: its |effects| on the traits, largest first.</param>
public sealed record GeneticArchitecture(double Threshold, int[] Pleiotropy, int[] Polygenicity, double[] Spectrum, double[][] GeneSpectra)
{
    /// <summary>
    /// Summarises <paramref name="effects"/>; the default threshold is 10% of the largest |effect|, so the counts do
    /// not depend on the traits' units.
    /// </summary>
    public static GeneticArchitecture Of(double[,] effects, double? threshold = null)
    {
        int genes = effects.GetLength(0), traits = effects.GetLength(1);
        double max = 0;
        foreach (double v in effects) max = Math.Max(max, Math.Abs(v));
        double t = threshold ?? 0.1 * max;
        var pleiotropy = new int[genes];
        var polygenicity = new int[traits];
        for (int g = 0; g < genes; g++)
            for (int k = 0; k < traits; k++)
                if (Math.Abs(effects[g, k]) > t) { pleiotropy[g]++; polygenicity[k]++; }
        var spectrum = effects.Cast<double>().Select(Math.Abs).OrderByDescending(v => v).ToArray();
        var geneSpectra = Enumerable.Range(0, genes)
            .Select(g => Enumerable.Range(0, traits).Select(k => Math.Abs(effects[g, k])).OrderByDescending(v => v).ToArray()).ToArray();
        return new GeneticArchitecture(t, pleiotropy, polygenicity, spectrum, geneSpectra);
    }

    /// <summary>Divides each trait column by its scale (for example its population standard deviation); zero scales are left at 1.</summary>
    public static double[,] Standardise(double[,] effects, double[] traitScale)
    {
        int genes = effects.GetLength(0), traits = effects.GetLength(1);
        var s = new double[genes, traits];
        for (int g = 0; g < genes; g++)
            for (int k = 0; k < traits; k++) s[g, k] = effects[g, k] / (traitScale[k] > 0 ? traitScale[k] : 1);
        return s;
    }
}
