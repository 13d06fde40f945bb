#!/usr/bin/env python3
"""Keeps the scores of a JMH JSON result (drops raw histograms) so it is small enough to commit:
usage jmh_trim.py in.json out.json"""
import json
import sys



def num(x):
    return float("%.5g" % x) if isinstance(x, float) else x


runs = json.load(open(sys.argv[1]))
out = []
for r in runs:
    pm = r["primaryMetric"]
    keep = {k: r[k] for k in ("benchmark", "mode") if k in r}
    keep["benchmark"] = keep["benchmark"].replace("io.tickwire.perf.", "")
    keep["params"] = r.get("params", {})
    keep["primaryMetric"] = {k: num(pm[k]) for k in ("score", "scoreError", "scoreUnit")}
    if r["mode"] != "sample":
        keep["primaryMetric"]["iterationScores"] = [round(x, 3) for fork in pm.get("rawData", []) for x in fork]
    if r["mode"] == "sample":
        keep["primaryMetric"]["scorePercentiles"] = {
            k: round(v, 4) for k, v in pm["scorePercentiles"].items() if k in ("50.0", "90.0", "99.0", "99.9", "99.99", "100.0")}
    gc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    if gc:
        keep["gc.alloc.rate.norm"] = {k: num(gc[k]) for k in ("score", "scoreError")}
    out.append(keep)
with open(sys.argv[2], "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in out) + "\n]\n")
