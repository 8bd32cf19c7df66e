#!/usr/bin/env python3
"""Accept-latency quantiles between two Prometheus scrapes of smtp_accept_latency_seconds (histogram buckets).

usage: smtp-bench-quantiles.py BEFORE.prom AFTER.prom  -> prints "count p50_ms p99_ms"
"""
import re
import sys

BUCKET = re.compile(r'^smtp_accept_latency_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\}\s+(\S+)')


def buckets(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = BUCKET.match(line)
            if m:
                le = float('inf') if m.group(1) == '+Inf' else float(m.group(1))
                out[le] = out.get(le, 0.0) + float(m.group(2))
    return out


def quantile(cum, q):
    total = cum[-1][1]
    if total <= 0:
        return float('nan')
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in cum:
        if c >= rank:
            if le == float('inf'):
                return prev_le
            # linear interpolation inside the bucket, as Prometheus histogram_quantile does
            return prev_le + (le - prev_le) * ((rank - prev_c) / (c - prev_c) if c > prev_c else 1.0)
        prev_le, prev_c = le, c
    return prev_le


def main():
    before, after = buckets(sys.argv[1]), buckets(sys.argv[2])
    cum = sorted((le, after[le] - before.get(le, 0.0)) for le in after)
    if not cum:
        print("0 nan nan")
        return
    print("%d %.2f %.2f" % (cum[-1][1], quantile(cum, 0.5) * 1000, quantile(cum, 0.99) * 1000))


if __name__ == '__main__':
    main()
