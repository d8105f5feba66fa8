using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Numerics;

/// <summary>
/// Optimizers whose steps hold their TorchSharp scalars for the whole native call (see <see cref="ScalarMath"/>). Each has
/// the name of the TorchSharp optimizer it replaces, so saved optimizer states stay interchangeable.
/// </summary>
public static class HeldScalarOptimizers
{
    /// <summary>
    /// TorchSharp's <see cref="TorchSharp.Modules.Adam"/> with a step that holds its scalars (see <see cref="ScalarMath"/>):
    /// TorchSharp's own step hands libtorch seven temporary scalars per parameter (beta1, 1 - beta1, ...) that nobody
    /// holds during the call.
    /// Same update, same options, same state and the same state-dictionary format under the same type name "Adam", so
    /// checkpoints move freely between the two (TorchSharp checks that name when it loads a state dictionary).
    /// </summary>
    /// <remarks>
    /// Adam (Kingma and Ba 2015, Algorithm 1), as PyTorch and TorchSharp compute it: m = beta1 m + (1 - beta1) g;
    /// v = beta2 v + (1 - beta2) g^2; theta -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps); with
    /// weight_decay, g += weight_decay theta first; with amsgrad, v is replaced by its running maximum in the denominator.
    /// </remarks>
    public sealed class Adam : TorchSharp.Modules.Adam
    {
        /// <summary>
        /// Adam over <paramref name="parameters"/>; the arguments mean what they mean for TorchSharp's
        /// <see cref="TorchSharp.Modules.Adam"/>.
        /// </summary>
        public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weightDecay = 0, bool amsgrad = false, bool maximize = false)
            : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
        {
        }

        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
            double weightDecay = options.weight_decay!.Value, lr = options.LearningRate!.Value;
            bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                if (maximize) grad = -grad;
                state.step += 1;
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                if (weightDecay != 0) grad = grad.Add(param, weightDecay);
                state.exp_avg.Mul_(beta1).Add_(grad, 1 - beta1);
                state.exp_avg_sq.Mul_(beta2).AddCMul_(grad, grad.conj(), 1 - beta2);
                Tensor denominator;
                if (amsgrad)
                {
                    var previous = state.max_exp_avg_sq;
                    state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                    previous.Dispose();
                    denominator = state.max_exp_avg_sq.sqrt().Div(Math.Sqrt(biasCorrection2)).Add_(eps);
                }
                else
                {
                    denominator = state.exp_avg_sq.sqrt().Div(Math.Sqrt(biasCorrection2)).Add_(eps);
                }
                param.AddCDiv_(state.exp_avg, denominator, -lr / biasCorrection1);
            }
        }, closure);
    }
}
