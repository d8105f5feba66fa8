"""Checks `genomic-code score` against disentanglement_lib on fresh random cases (not the test fixtures).

Each case draws 3 to 6 factors with 3 to 40 values and codes of one kind: a linear mixture of the factors plus noise,
factors with duplicated codes, noisy factor codes with nuisance codes, or partial codes (sums of factors, a
duplicate, a noisy code). It writes codes and factors as NPY, runs disentanglement_lib's functions
(dlib_reference.py; needs disentanglement_lib and the `gin` stand-in on PYTHONPATH, see README.md) and
`genomic-code score --codes C --factors F --metrics mig,sap,modularity,explicitness,dci --json OUT`, and prints both
and the largest absolute difference per metric.

    PYTHONPATH=/path/to/disentanglement_lib:/path/to/gin-stub /usr/bin/python3 conformance.py --cases 12 --n 2000 \
        --cli "dotnet src/GenomicCode.Cli/bin/Release/net10.0/genomic-code.dll"
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np

import dlib_reference

METRICS = ["mig", "modularity", "sap", "explicitness", "dci_disentanglement", "dci_completeness", "dci_informativeness"]
KINDS = ["linear", "duplicated", "noisy", "partial"]


def make_case(seed, n):
    rs = np.random.RandomState(seed)
    kind = KINDS[seed % len(KINDS)]
    k = rs.randint(3, 7)
    sizes = rs.randint(3, 41, size=k)
    if seed % 3 == 0:
        sizes[rs.randint(k)] = 40
    f = np.stack([rs.randint(s, size=n) for s in sizes], axis=1)
    scaled = (f - (sizes - 1) / 2.0) / sizes  # each factor in [-0.5, 0.5]
    if kind == "linear":
        d = k + rs.randint(0, 4)
        codes = scaled @ rs.randn(k, d) + rs.uniform(0.05, 0.4) * rs.randn(n, d)
    elif kind == "duplicated":
        base = scaled * rs.uniform(0.5, 3, size=k) + 0.05 * rs.randn(n, k)
        dup = base[:, rs.choice(k, size=rs.randint(1, k + 1))]
        codes = np.concatenate([base, dup + 0.01 * rs.randn(*dup.shape)], axis=1)
    elif kind == "noisy":
        base = scaled + rs.uniform(0.1, 0.6, size=k) * rs.randn(n, k)
        codes = np.concatenate([base, rs.randn(n, rs.randint(1, 4))], axis=1)
    else:
        a, b = rs.choice(k, size=2, replace=False)
        cols = [scaled[:, a] + scaled[:, b] + 0.05 * rs.randn(n), scaled[:, a] + 0.02 * rs.randn(n)]
        cols += [scaled[:, j] + rs.uniform(0.02, 0.5) * rs.randn(n) for j in range(k) if j not in (a, b)]
        cols += [cols[-1] + 0.001 * rs.randn(n), rs.randn(n)]
        codes = np.stack(cols, axis=1)
    codes = codes[:, rs.permutation(codes.shape[1])]
    return kind, sizes.tolist(), codes.astype(np.float64), f.astype(np.int64)


def run_ours(cli, codes_path, factors_path, out_path):
    command = shlex.split(cli) + ["score", "--codes", codes_path, "--factors", factors_path,
                                  "--metrics", "mig,sap,modularity,explicitness,dci", "--json", out_path]
    start = time.time()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(out_path) as f:
        return json.load(f), time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--first-seed", type=int, default=1000, help="case seeds are first-seed .. first-seed + cases - 1")
    parser.add_argument("--n", type=int, default=2000, help="rows per case (half train, half test)")
    parser.add_argument("--cli", default="dotnet src/GenomicCode.Cli/bin/Release/net10.0/genomic-code.dll")
    parser.add_argument("--out", help="write every case's numbers to this JSON file")
    args = parser.parse_args()
    rows = []
    worst = {m: 0.0 for m in METRICS}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.first_seed, args.first_seed + args.cases):
            kind, sizes, codes, factors = make_case(seed, args.n)
            cp, fp = os.path.join(tmp, "codes.npy"), os.path.join(tmp, "factors.npy")
            np.save(cp, codes)
            np.save(fp, factors)
            start = time.time()
            reference = dlib_reference.reference_scores(codes, factors, seed=0)
            reference_seconds = time.time() - start
            ours, our_seconds = run_ours(args.cli, cp, fp, os.path.join(tmp, "ours.json"))
            row = {"seed": seed, "kind": kind, "factor_sizes": sizes, "codes": codes.shape[1],
                   "reference": {m: reference[m] for m in METRICS}, "ours": {m: ours[m] for m in METRICS},
                   "seconds": {"reference": reference_seconds, "ours": our_seconds}}
            rows.append(row)
            for m in METRICS:
                worst[m] = max(worst[m], abs(ours[m] - reference[m]))
            print("case %d %-10s sizes %-22s D=%d  " % (seed, kind, sizes, codes.shape[1]) +
                  "  ".join("%s %.4f/%.4f" % (m, ours[m], reference[m]) for m in METRICS), flush=True)
    print("largest |ours - disentanglement_lib| over %d cases of %d rows:" % (args.cases, args.n))
    for m in METRICS:
        print("  %-20s %.2e" % (m, worst[m]))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"n": args.n, "cases": rows, "largest_difference": worst}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
