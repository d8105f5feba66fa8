"""Reference disentanglement scores from disentanglement_lib's own metric functions.

Needs disentanglement_lib (github.com/google-research/disentanglement_lib) on PYTHONPATH, and a stand-in for its
`gin` dependency on PYTHONPATH (a folder holding gin/__init__.py whose `configurable(...)` returns the function
unchanged and that defines `REQUIRED`, plus gin/tf.py with `from gin import *`). Run with Debian bookworm's
python3-sklearn 1.2.1, python3-numpy 1.24, python3-scipy 1.10 and python3-absl. See README.md in this folder.

Codes (n, D) and factors (n, K) are split as `genomic-code score` splits them: the first half trains, the second half
tests. The metrics see the rows in order through a stand-in for disentanglement_lib's GroundTruthData.
"""
import numpy as np

from disentanglement_lib.evaluation.metrics import dci
from disentanglement_lib.evaluation.metrics import mig
from disentanglement_lib.evaluation.metrics import modularity_explicitness
from disentanglement_lib.evaluation.metrics import sap_score
from disentanglement_lib.evaluation.metrics import utils
from disentanglement_lib.evaluation.udr.metrics import udr

NUM_BINS = 20  # the study's gin binding: discretizer.num_bins = 20, histogram_discretizer


def _discretizer(target, num_bins=NUM_BINS, discretizer_fn=None):
    del discretizer_fn
    return utils._histogram_discretize(target, num_bins)  # pylint: disable=protected-access


utils.make_discretizer = _discretizer


class RowsInOrder(object):
    """Hands out the rows of codes and factors in order, as GroundTruthData.sample would hand out fresh samples."""

    def __init__(self, factors):
        self.factors = factors
        self.cursor = 0

    def sample(self, num, random_state):
        del random_state
        index = np.arange(self.cursor, self.cursor + num)
        self.cursor += num
        return self.factors[index], index

    def sample_observations(self, num, random_state):
        return self.sample(num, random_state)[1]


def split(codes, factors):
    half = codes.shape[0] // 2
    return codes[:half].T, factors[:half].T, codes[half:].T, factors[half:].T


def reference_scores(codes, factors, seed=0, old_logistic=False):
    """Every code metric of `genomic-code score`, from disentanglement_lib, plus the matrices behind them."""
    mus_train, ys_train, mus_test, ys_test = split(codes, factors)
    half = mus_train.shape[1]
    out = {}
    out["mig"] = float(mig._compute_mig(mus_train, ys_train)["discrete_mig"])  # pylint: disable=protected-access

    np.random.seed(seed)  # LinearSVC and GradientBoostingClassifier draw from numpy's global generator
    sap_matrix = sap_score.compute_score_matrix(mus_train, ys_train, mus_test, ys_test, False)
    out["sap"] = float(sap_score.compute_avg_diff_top_two(sap_matrix))
    out["sap_score_matrix"] = sap_matrix.tolist()

    np.random.seed(seed)
    importance, train_acc, test_acc = dci.compute_importance_gbt(mus_train, ys_train, mus_test, ys_test)
    out["dci_disentanglement"] = float(dci.disentanglement(importance))
    out["dci_completeness"] = float(dci.completeness(importance))
    out["dci_informativeness"] = float(test_acc)
    out["dci_informativeness_train"] = float(train_acc)
    out["dci_importance"] = importance.tolist()

    data = RowsInOrder(factors)
    scores = modularity_explicitness.compute_modularity_explicitness(
        data, lambda index: codes[index], np.random.RandomState(seed), num_train=half,
        num_test=codes.shape[0] - half, batch_size=16)
    out["modularity"] = float(scores["modularity_score"])
    out["explicitness"] = float(scores["explicitness_score_test"])
    if old_logistic:
        out["explicitness_liblinear_ovr"] = explicitness_with(codes, factors, seed, solver="liblinear", multi_class="ovr")
    return out


def explicitness_with(codes, factors, seed, **logistic_options):
    """Explicitness with another logistic regression (the pre-0.22 scikit-learn default is liblinear one-vs-rest)."""
    original = modularity_explicitness.linear_model.LogisticRegression
    modularity_explicitness.linear_model.LogisticRegression = lambda: original(**logistic_options)
    try:
        half = codes.shape[0] // 2
        scores = modularity_explicitness.compute_modularity_explicitness(
            RowsInOrder(factors), lambda index: codes[index], np.random.RandomState(seed), num_train=half,
            num_test=codes.shape[0] - half, batch_size=16)
        return float(scores["explicitness_score_test"])
    finally:
        modularity_explicitness.linear_model.LogisticRegression = original


def reference_udr(model_codes, model_kl, correlation_matrix, seed=0, batch_size=10):
    """disentanglement_lib's compute_udr_sklearn over the given models' codes (rows in order) and mean KL per latent."""
    n = model_codes[0].shape[0]
    data = RowsInOrder(np.zeros((n, 1)))
    functions = [(lambda index, c=c, k=k: (c[index], k)) for c, k in zip(model_codes, model_kl)]
    result = udr.compute_udr_sklearn(
        data, functions, np.random.RandomState(seed), batch_size=batch_size, num_data_points=n,
        correlation_matrix=correlation_matrix, filter_low_kl=True, include_raw_correlations=False,
        kl_filter_threshold=0.01)
    return {
        "model_scores": [float(s) for s in result["model_scores"]],
        "pairwise": np.asarray(result["pairwise_disentanglement_scores"])[:, :, 0].tolist(),
    }
