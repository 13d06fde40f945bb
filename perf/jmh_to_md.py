#!/usr/bin/env python3
"""Turns a JMH JSON result file into the Markdown tables of BENCHMARKS.md: usage jmh_to_md.py jmh.json"""
import json
import sys
from collections import OrderedDict


def fmt(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "n/a"
    if x != x:
        return "n/a"
    a = abs(x)
    if a == 0:
        return "0"
    if a < 0.01:
        return "%.4f" % x
    if a < 10:
        return "%.3f" % x
    if a < 1000:
        return "%.1f" % x
    return "%.0f" % x


def params(r):
    p = r.get("params") or {}
    return ", ".join("%s=%s" % kv for kv in p.items()) or "-"


def main(path):
    runs = json.load(open(path))
    by_class = OrderedDict()
    for r in runs:
        cls, method = r["benchmark"].rsplit(".", 1)
        by_class.setdefault(cls, []).append((method, r))
    for cls, rows in by_class.items():
        print("#### %s\n" % cls.replace("io.tickwire.perf.", ""))
        print("| benchmark | params | mode | score ± error | unit | gc.alloc.rate.norm (B/op) |")
        print("|---|---|---|---|---|---|")
        for method, r in rows:
            pm = r["primaryMetric"]
            gc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            gcs = "%s ± %s" % (fmt(gc["score"]), fmt(gc["scoreError"])) if gc else "n/a"
            print("| %s | %s | %s | %s ± %s | %s | %s |" % (
                method, params(r), r["mode"], fmt(pm["score"]), fmt(pm["scoreError"]), pm["scoreUnit"], gcs))
        print()
        samples = [(m, r) for m, r in rows if r["mode"] == "sample"]
        if samples:
            print("SampleTime percentiles (ns per op; from all samples of all forks):\n")
            print("| benchmark | params | samples | p50 | p90 | p99 | p99.9 | p99.99 | max |")
            print("|---|---|---|---|---|---|---|---|---|")
            for method, r in samples:
                pm = r["primaryMetric"]
                scale = {"us/op": 1000.0, "ns/op": 1.0, "ms/op": 1e6}[pm["scoreUnit"]]
                pc = pm["scorePercentiles"]
                cells = [fmt(pc[k] * scale) for k in ("50.0", "90.0", "99.0", "99.9", "99.99", "100.0")]
                count = sample_count(pm)
                print("| %s | %s | %s | %s |" % (method, params(r), count, " | ".join(cells)))
            print()


def sample_count(pm):
    total = 0
    for fork in pm.get("rawDataHistogram", []):
        for iteration in fork:
            for value, count in iteration:
                total += count
    return total or "n/a"


if __name__ == "__main__":
    main(sys.argv[1])
