#!/usr/bin/env python3
"""Summarises a soak run's rss.csv (elapsed_s, rss_mib, step): RSS at the first logged step, at 10% of the steps (or of
the steps reached, for a run stopped early), at the last step, the peak, and the growth from the 10% point to the end.

    summarize.py RSS_CSV STEPS PRESET [ELAPSED_S] [EXIT_STATUS]
"""
import csv
import sys

rows = [r for r in csv.DictReader(open(sys.argv[1])) if int(r["step"] or 0) > 0]
steps, preset = int(sys.argv[2]), sys.argv[3]
elapsed = float(sys.argv[4]) if len(sys.argv) > 4 else float(rows[-1]["elapsed_s"]) if rows else 0.0
status = sys.argv[5] if len(sys.argv) > 5 else "running or stopped"
if not rows:
    print(f"soak {preset}: no logged step (exit {status})")
    sys.exit(1)
reached = int(rows[-1]["step"])
first = rows[0]
tenth = next(r for r in rows if int(r["step"]) >= min(steps, reached) // 10)
last = rows[-1]
peak = max(float(r["rss_mib"]) for r in rows)
growth = 100 * (float(last["rss_mib"]) - float(tenth["rss_mib"])) / float(tenth["rss_mib"])
print(f"soak {preset}: {reached} of {steps} steps in {elapsed / 60:.1f} min (exit {status}); RSS MiB at step "
      f"{first['step']}: {float(first['rss_mib']):.0f}, at step {tenth['step']}: {float(tenth['rss_mib']):.0f}, "
      f"at step {last['step']}: {float(last['rss_mib']):.0f}, peak {peak:.0f}; growth from step {tenth['step']} to the end {growth:+.1f}%")
