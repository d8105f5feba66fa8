using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Regularizers;

/// <summary>Sample estimates of the three parts of the KL term (Chen et al. 2018, eq. 2), each a scalar averaged over the batch.</summary>
/// <param name="MutualInformation">Index-code mutual information E[log q(z|n) - log q(z)].</param>
/// <param name="TotalCorrelation">Total correlation E[log q(z) - sum_j log q(z_j)].</param>
/// <param name="DimensionWiseKl">Dimension-wise KL E[sum_j log q(z_j) - log p(z_j)].</param>
public sealed record KlDecomposition(Tensor MutualInformation, Tensor TotalCorrelation, Tensor DimensionWiseKl);

/// <summary>
/// Estimates of the aggregate posterior q(z) = (1/N) sum_n q(z|n) from one minibatch of M samples, and the KL
/// decomposition built on them (Chen et al. 2018, "Isolating sources of disentanglement in VAEs").
/// </summary>
public static class TotalCorrelation
{
    /// <summary>Name of the minibatch-weighted sampling estimator.</summary>
    public const string MinibatchWeighted = "mws";

    /// <summary>Name of the minibatch-stratified sampling estimator.</summary>
    public const string MinibatchStratified = "mss";

    /// <summary>
    /// log N(x; mean, exp(logVar)) element-wise: -0.5 (log 2 pi + logVar + (x - mean)^2 / exp(logVar)).
    /// Broadcasts, so (M, 1, D) against (1, M, D) gives the (M, M, D) matrix log q(z_i,d | n_j).
    /// </summary>
    public static Tensor GaussianLogDensity(Tensor x, Tensor mean, Tensor logVar) =>
        logVar.Add(Math.Log(2 * Math.PI)).Plus((x - mean).Square() * (-logVar).exp()).Mul(-0.5);

    /// <summary>
    /// Decomposes the KL term for samples z_i ~ q(z|n_i) (all (M, D)). log q(z_i) is estimated by
    /// log sum_j w_ij q(z_i|n_j), and log q(z_i,d) by the same weights per dimension. <c>mws</c> (minibatch-weighted
    /// sampling, Chen et al. 2018, sec. 4.1): w_ij = 1/(N M). <c>mss</c> (minibatch-stratified sampling, Chen et al. 2018,
    /// appendix C.2): w_ii = 1/N and w_ij = (N-1)/(N(M-1)) for j != i, so that each row sums to 1 and a batch that is the
    /// whole data set (M = N) gives the exact aggregate posterior.
    /// </summary>
    public static KlDecomposition Decompose(Tensor sample, Tensor mean, Tensor logVar, long datasetSize, string estimator = MinibatchWeighted)
    {
        if (datasetSize < 1) throw new UserInputException($"the total-correlation estimators need the dataset size N >= 1, got {datasetSize}.");
        long m = sample.shape[0];
        if (estimator == MinibatchStratified && datasetSize < m)
            throw new UserInputException($"the stratified estimator needs dataset size N >= batch size M, got N = {datasetSize}, M = {m}.");
        var logQ = GaussianLogDensity(sample.unsqueeze(1), mean.unsqueeze(0), logVar.unsqueeze(0)); // (M, M, D): log q(z_i,d | n_j)
        var logW = LogWeights(m, datasetSize, estimator, sample.dtype, sample.device);               // (M, M)
        var logQz = logQ.sum(dim: 2).Plus(logW).logsumexp(1);                                         // (M)
        var logQzProduct = logQ.Plus(logW.unsqueeze(2)).logsumexp(1).sum(dim: 1);                      // (M)
        var logQzGivenN = GaussianLogDensity(sample, mean, logVar).sum(dim: 1);                       // (M)
        var logPz = sample.Square().Add(Math.Log(2 * Math.PI)).Mul(-0.5).sum(dim: 1);                 // (M)
        return new KlDecomposition((logQzGivenN - logQz).mean(), (logQz - logQzProduct).mean(), (logQzProduct - logPz).mean());
    }

    private static Tensor LogWeights(long m, long n, string estimator, ScalarType dtype, Device device)
    {
        switch (estimator)
        {
            case MinibatchWeighted:
                return ScalarMath.Full(new long[] { m, m }, -Math.Log((double)n * m), dtype: dtype, device: device);
            case MinibatchStratified:
                if (m == 1) return ScalarMath.Full(new long[] { 1, 1 }, -Math.Log(n), dtype: dtype, device: device);
                var off = ScalarMath.Full(new long[] { m, m }, Math.Log((n - 1.0) / ((double)n * (m - 1))), dtype: dtype, device: device);
                var self = ScalarMath.Full(new long[] { m, m }, -Math.Log(n), dtype: dtype, device: device);
                return torch.where(torch.eye(m, dtype: ScalarType.Bool, device: device), self, off);
            default:
                throw new UserInputException($"unknown total-correlation estimator '{estimator}'; known: {MinibatchWeighted}, {MinibatchStratified}.");
        }
    }
}
