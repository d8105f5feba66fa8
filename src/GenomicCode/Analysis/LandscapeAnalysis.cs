using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>A local minimum of an energy landscape and the share of starting points that descend into it.</summary>
/// <param name="Position">The minimum's coordinates (K).</param>
/// <param name="Energy">Energy at the minimum.</param>
/// <param name="BasinShare">Fraction of converged starts that ended here (shares of all attractors sum to 1).</param>
public sealed record Attractor(double[] Position, double Energy, double BasinShare);

/// <summary>The attractors found from many starts.</summary>
/// <param name="Attractors">Attractors, by descending basin share.</param>
/// <param name="Starts">How many starts were descended.</param>
/// <param name="Unconverged">Starts whose gradient norm was still above the tolerance at the end.</param>
public sealed record AttractorSurvey(IReadOnlyList<Attractor> Attractors, int Starts, int Unconverged);

/// <summary>The energy barrier between two states along the straight path joining them.</summary>
/// <param name="PathMaximum">Highest energy on the path.</param>
/// <param name="AtFraction">Where on the path (0 = from, 1 = to) the maximum lies.</param>
/// <param name="HeightFromStart">PathMaximum - E(from): the barrier seen from the first state.</param>
/// <param name="HeightFromEnd">PathMaximum - E(to): the barrier seen from the second state.</param>
public sealed record Barrier(double PathMaximum, double AtFraction, double HeightFromStart, double HeightFromEnd);

/// <summary>A 2-D slice of an energy landscape and descent trajectories in it, as plain data for plotting.</summary>
/// <param name="Xs">Grid coordinates along the first slice axis.</param>
/// <param name="Ys">Grid coordinates along the second slice axis.</param>
/// <param name="Energy">Energy[i, j] at (Xs[j], Ys[i]).</param>
/// <param name="Trajectories">Each trajectory as (x, y) arrays along the slice axes.</param>
public sealed record LandscapeSlice(double[] Xs, double[] Ys, double[,] Energy, IReadOnlyList<(double[] X, double[] Y)> Trajectories);

/// <summary>
/// Waddington-landscape analysis of an energy function E: states (N, K) -> energies (N): attractors by batched gradient
/// descent from many starts (all starts descend together as one tensor), basin shares, barrier heights along straight
/// paths, and 2-D slices for plots.
/// </summary>
public static class LandscapeAnalysis
{
    /// <summary>The energy function of an energy-landscape decoder (<see cref="IEnergyLandscape"/>) for one genome (1, D) or (D).</summary>
    public static Func<Tensor, Tensor> ForGenome(IEnergyLandscape decoder, Tensor genome)
    {
        var g = genome.dim() == 1 ? genome.unsqueeze(0) : genome;
        return states => decoder.Energy(states, g.expand(states.shape[0], g.shape[1]));
    }

    /// <summary>Uniform random starts (N, K) in [low, high]^K from <paramref name="seed"/>.</summary>
    public static Tensor RandomStarts(int count, int dims, double low, double high, long seed, Device? device = null)
    {
        if (count < 1 || dims < 1) throw new UserInputException($"need at least one start and one dimension, got {count} starts of {dims}.");
        var on = device ?? torch.CPU;
        using var g = new Generator((ulong)seed, on);
        return torch.rand(new long[] { count, dims }, generator: g, device: on).Mul(high - low).Add(low);
    }

    /// <summary>
    /// Descends all <paramref name="starts"/> (N, K) by plain gradient descent x &lt;- x - eta dE/dx (Langevin at T = 0)
    /// for up to <paramref name="maxSteps"/> steps, then merges end points closer than <paramref name="mergeDistance"/>
    /// into attractors. Starts whose gradient norm stays above <paramref name="tolerance"/> are counted as unconverged and
    /// left out of the basin shares.
    /// </summary>
    public static AttractorSurvey FindAttractors(Func<Tensor, Tensor> energy, Tensor starts, double stepSize = 0.01, int maxSteps = 5000,
        double mergeDistance = 0.05, double tolerance = 1e-4)
    {
        if (starts.dim() != 2) throw new UserInputException($"starts must be (N, K), got ({string.Join(", ", starts.shape)}).");
        Guard.Positive(stepSize);
        if (maxSteps < 1) throw new UserInputException($"maxSteps must be >= 1, got {maxSteps}.");
        using var scope = torch.NewDisposeScope();
        var (end, gradNorm) = Descend(energy, starts, stepSize, maxSteps, tolerance, null);
        var energies = Evaluate(energy, end);
        int n = (int)starts.shape[0], k = (int)starts.shape[1];
        var pos = end.to(torch.CPU).to(ScalarType.Float64).data<double>().ToArray();
        var norms = gradNorm.to(torch.CPU).to(ScalarType.Float64).data<double>().ToArray();
        var e = energies.to(torch.CPU).to(ScalarType.Float64).data<double>().ToArray();
        var centres = new List<(double[] P, double E, int Count)>();
        int unconverged = 0;
        for (int i = 0; i < n; i++)
        {
            if (!(norms[i] <= tolerance)) { unconverged++; continue; }
            var p = pos.AsSpan(i * k, k).ToArray();
            int match = centres.FindIndex(c => Distance(c.P, p) < mergeDistance);
            if (match < 0) centres.Add((p, e[i], 1));
            else
            {
                var c = centres[match];
                centres[match] = e[i] < c.E ? (p, e[i], c.Count + 1) : (c.P, c.E, c.Count + 1);
            }
        }
        int converged = n - unconverged;
        var attractors = centres.OrderByDescending(c => c.Count)
            .Select(c => new Attractor(c.P, c.E, converged == 0 ? 0 : (double)c.Count / converged)).ToArray();
        return new AttractorSurvey(attractors, n, unconverged);
    }

    /// <summary>
    /// Energies at <paramref name="points"/> evenly spaced states on the straight path from a to b (both included); the
    /// states are made on <paramref name="device"/> (the energy's model's device; null: the CPU).
    /// </summary>
    public static double[] EnergyAlongPath(Func<Tensor, Tensor> energy, IReadOnlyList<double> from, IReadOnlyList<double> to, int points = 201, Device? device = null)
    {
        if (from.Count != to.Count) throw new UserInputException($"path ends differ in dimension: {from.Count} vs {to.Count}.");
        if (points < 2) throw new UserInputException($"a path needs at least 2 points, got {points}.");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var on = device ?? torch.CPU;
        var a = torch.tensor(from.Select(v => (float)v).ToArray(), device: on).view(1, -1);
        var b = torch.tensor(to.Select(v => (float)v).ToArray(), device: on).view(1, -1);
        var t = torch.linspace(0, 1, points, device: on).view(-1, 1);     // (P, 1)
        var states = a.Plus(t * (b - a));                                   // (P, K)
        return energy(states).to(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>
    /// The barrier between two states: the highest energy on the straight path between them, relative to each end
    /// (states on <paramref name="device"/>, as in <see cref="EnergyAlongPath"/>).
    /// </summary>
    public static Barrier BarrierBetween(Func<Tensor, Tensor> energy, IReadOnlyList<double> from, IReadOnlyList<double> to, int points = 201, Device? device = null)
    {
        var e = EnergyAlongPath(energy, from, to, points, device);
        int top = Array.IndexOf(e, e.Max());
        return new Barrier(e[top], (double)top / (points - 1), e[top] - e[0], e[top] - e[^1]);
    }

    /// <summary>
    /// A 2-D slice through <paramref name="centre"/> along dimensions <paramref name="dimX"/>, <paramref name="dimY"/>
    /// (half-width <paramref name="extent"/>, <paramref name="resolution"/> points per axis), and gradient-descent
    /// trajectories from <paramref name="trajectoryStarts"/> (states in the full space) projected onto the slice. The grid's
    /// states are made on <paramref name="device"/> (the energy's model's device; null: the CPU).
    /// </summary>
    public static LandscapeSlice Slice(Func<Tensor, Tensor> energy, IReadOnlyList<double> centre, int dimX, int dimY, double extent, int resolution,
        Tensor? trajectoryStarts = null, double stepSize = 0.01, int trajectorySteps = 200, Device? device = null)
    {
        int k = centre.Count;
        if (dimX < 0 || dimX >= k || dimY < 0 || dimY >= k || dimX == dimY)
            throw new UserInputException($"slice dimensions must be two different indices in [0, {k}), got {dimX} and {dimY}.");
        if (resolution < 2) throw new UserInputException($"resolution must be >= 2, got {resolution}.");
        using var scope = torch.NewDisposeScope();
        var xs = LatentTraversal.Linspace(centre[dimX] - extent, centre[dimX] + extent, resolution);
        var ys = LatentTraversal.Linspace(centre[dimY] - extent, centre[dimY] + extent, resolution);
        var states = new float[resolution * resolution * k];
        for (int i = 0; i < resolution; i++)
            for (int j = 0; j < resolution; j++)
            {
                int row = (i * resolution + j) * k;
                for (int d = 0; d < k; d++) states[row + d] = (float)centre[d];
                states[row + dimX] = (float)xs[j];
                states[row + dimY] = (float)ys[i];
            }
        double[] flat;
        using (torch.no_grad())
            flat = energy(torch.tensor(states, new long[] { resolution * resolution, k }, device: device ?? torch.CPU)).to(ScalarType.Float64).data<double>().ToArray();
        var grid = new double[resolution, resolution];
        for (int i = 0; i < resolution; i++)
            for (int j = 0; j < resolution; j++) grid[i, j] = flat[i * resolution + j];
        var trajectories = new List<(double[], double[])>();
        if (trajectoryStarts is not null)
        {
            var path = new List<double[]>();
            Descend(energy, trajectoryStarts, stepSize, trajectorySteps, 0, x => path.Add(x.to(ScalarType.Float64).to(torch.CPU).data<double>().ToArray()));
            int n = (int)trajectoryStarts.shape[0];
            for (int s = 0; s < n; s++)
                trajectories.Add((path.Select(p => p[s * k + dimX]).ToArray(), path.Select(p => p[s * k + dimY]).ToArray()));
        }
        return new LandscapeSlice(xs, ys, grid, trajectories);
    }

    private static (Tensor End, Tensor GradNorm) Descend(Func<Tensor, Tensor> energy, Tensor starts, double eta, int steps, double tolerance, Action<Tensor>? record)
    {
        var x = starts.detach().clone();
        record?.Invoke(x);
        Tensor norm = ScalarMath.Full(new long[] { starts.shape[0] }, double.PositiveInfinity, device: starts.device);
        for (int t = 0; t < steps; t++)
        {
            using var inner = torch.NewDisposeScope();
            var grad = Gradient(energy, x);
            var gn = grad.norm(1, keepdim: false);
            using (torch.no_grad()) x.sub_(grad.Mul(eta));
            record?.Invoke(x);
            norm.Dispose();
            norm = gn.MoveToOuterDisposeScope();
            if (tolerance > 0 && (t % 50 == 49) && norm.max().item<float>() <= tolerance) break;
        }
        using var final = torch.NewDisposeScope();
        var last = Gradient(energy, x).norm(1, keepdim: false).MoveToOuterDisposeScope();
        norm.Dispose();
        return (x, last);
    }

    private static Tensor Gradient(Func<Tensor, Tensor> energy, Tensor x)
    {
        using var _ = torch.enable_grad();
        var xi = x.detach().requires_grad_(true);
        var e = energy(xi).sum();
        return torch.autograd.grad(new[] { e }, new[] { xi })[0].detach();
    }

    private static Tensor Evaluate(Func<Tensor, Tensor> energy, Tensor x)
    {
        using var _ = torch.no_grad();
        return energy(x);
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }
}
