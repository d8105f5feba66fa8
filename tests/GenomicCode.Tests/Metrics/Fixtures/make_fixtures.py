"""Writes the golden metric fixtures of GenomicCode's tests: codes and factors as NPY, reference scores as JSON.

Every reference value comes from disentanglement_lib's own metric functions (dlib_reference.py), so this script
expects disentanglement_lib and a `gin` stand-in on PYTHONPATH; see README.md here for the exact command. It was run
once with Debian bookworm's python3-sklearn 1.2.1; rerunning it with the same versions reproduces reference.json.
"""
import json
import os
import sys

import numpy as np
import scipy
import sklearn

import dlib_reference

HERE = os.path.dirname(os.path.abspath(__file__))


def factors_and_noise(rs, n):
    """Three factors (3, 6, 10 values), each in one code with a little noise, and two pure-noise codes."""
    sizes = [3, 6, 10]
    f = np.stack([rs.randint(s, size=n) for s in sizes], axis=1)
    codes = np.stack([f[:, 0] + 0.1 * rs.randn(n), rs.randn(n), 0.5 * f[:, 1] + 0.2 * rs.randn(n),
                      -f[:, 2] / 3.0 + 0.1 * rs.randn(n), rs.rand(n)], axis=1)
    return codes, f


def linear_mixture(rs, n):
    """Four factors (3, 5, 8, 12 values) mixed linearly into six codes, plus noise."""
    sizes = [3, 5, 8, 12]
    f = np.stack([rs.randint(s, size=n) for s in sizes], axis=1)
    scaled = (f - (np.array(sizes) - 1) / 2.0) / np.array(sizes)
    mixing = rs.randn(4, 6)
    codes = scaled @ mixing + 0.3 * rs.randn(n, 6)
    return codes, f


def partial(rs, n):
    """Four factors (2, 4, 7, 40 values): a sum of two factors, a factor coded twice, a noisy factor, a nuisance code."""
    sizes = [2, 4, 7, 40]
    f = np.stack([rs.randint(s, size=n) for s in sizes], axis=1)
    dup = f[:, 2] + 0.05 * rs.randn(n)
    codes = np.stack([f[:, 0] + f[:, 1] + 0.1 * rs.randn(n), dup, dup.copy(), f[:, 3] / 10.0 + rs.randn(n),
                      f[:, 1] - 0.5 * f[:, 0] + 0.3 * rs.randn(n), rs.randn(n)], axis=1)
    return codes, f


CASES = [("factors_noise", factors_and_noise, 1000, 1), ("linear_mixture", linear_mixture, 1000, 2),
         ("partial", partial, 1000, 3)]

# Written by GenomicCode, not here: FactorVectorWorld(4, 5, 6) rendered as ground-truth codes (factor / (size - 1) as
# float32), 1500 train rows sampled with seed Seeds.Derive(0, 0) then 1500 test rows with Seeds.Derive(0, 1): what
# MetricSanityTests' SAP check evaluates. This script only scores them.
GIVEN = ["world_ground_truth"]


def udr_models(rs, n):
    """Four models of five latents over the same n observations: two axis-aligned with the same three sources
    (permuted, rescaled, sign-flipped), one rotated mixture of them, one of noise; latents 3 and 4 of each are
    inactive (mean KL 0.001 or 0.005, below the 0.01 threshold) except one active nuisance latent in model 2."""
    sources = rs.randn(n, 3)
    rotation, _ = np.linalg.qr(rs.randn(3, 3))
    def model(latents, kl):
        return np.asarray(latents).T.astype(np.float64), np.asarray(kl, dtype=np.float64)
    a = model([sources[:, 0], sources[:, 1], sources[:, 2] + 0.1 * rs.randn(n), 0.01 * rs.randn(n), 0.01 * rs.randn(n)],
              [1.2, 0.8, 0.5, 0.001, 0.005])
    b = model([-2 * sources[:, 2], 0.5 * sources[:, 0] + 0.2 * rs.randn(n), 3 + sources[:, 1], 0.01 * rs.randn(n),
               0.01 * rs.randn(n)], [0.9, 1.1, 0.7, 0.002, 0.001])
    mixed = sources @ rotation
    c = model([mixed[:, 0], mixed[:, 1], mixed[:, 2], rs.randn(n), 0.01 * rs.randn(n)], [1.0, 1.0, 1.0, 0.3, 0.001])
    d = model([rs.randn(n), rs.randn(n), rs.randn(n), 0.01 * rs.randn(n), 0.01 * rs.randn(n)], [1.0, 1.0, 1.0, 0.001, 0.001])
    return [a, b, c, d]


def main():
    out = {
        "generated_with": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                           "sklearn": sklearn.__version__, "seed": 0},
        "split": "first half of the rows trains, second half tests (as genomic-code score)",
        "cases": {},
    }
    for name, make, n, case_seed in CASES:
        codes, factors = make(np.random.RandomState(case_seed), n)
        np.save(os.path.join(HERE, name + "_codes.npy"), codes.astype(np.float64))
        np.save(os.path.join(HERE, name + "_factors.npy"), factors.astype(np.int64))
        out["cases"][name] = dlib_reference.reference_scores(codes, factors, seed=0, old_logistic=True)
        print(name, {k: round(v, 4) for k, v in out["cases"][name].items() if isinstance(v, float)})
    for name in GIVEN:
        codes = np.load(os.path.join(HERE, name + "_codes.npy"))
        factors = np.load(os.path.join(HERE, name + "_factors.npy"))
        out["cases"][name] = dlib_reference.reference_scores(codes, factors, seed=0, old_logistic=True)
        print(name, {k: round(v, 4) for k, v in out["cases"][name].items() if isinstance(v, float)})

    models = udr_models(np.random.RandomState(4), 1000)
    for i, (codes, kl) in enumerate(models):
        np.save(os.path.join(HERE, "udr_model%d_codes.npy" % i), codes)
        np.save(os.path.join(HERE, "udr_model%d_kl.npy" % i), kl)
    out["udr"] = {m: dlib_reference.reference_udr([c for c, _ in models], [k for _, k in models], m)
                  for m in ("lasso", "spearman")}
    print("udr", out["udr"]["lasso"]["model_scores"], out["udr"]["spearman"]["model_scores"])
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
