#!/usr/bin/env python3
"""Figures of the outage replay, computed from the raw records only (never from the services' own metrics
for loss, throughput or latency).

  replay-report.py STATE_DIR phase N      figures of phase N (c, 1-5; prints a human summary)
  replay-report.py STATE_DIR pending N [GROUP]
                                          accepted messages of phase N (of GROUP) not yet received at the MX
                                          (submitted and inbound mail; with GROUP only the submitted mail of GROUP)
  replay-report.py STATE_DIR table OUT    the final phase table, printed and written to OUT

Inputs in STATE_DIR:
  mx.csv                 RecordingMx: received_ms,message_id,recipient,group,submitted_ms,latency_ms,duplicate,size
  phaseN-submit.csv      SubmitLoad:  submitted_ms,message_id,recipient,group,reply_code,reply_ms,reply_text
  phaseN-inbound.csv     SubmitLoad --to: the same columns and sender; recipient = user@INBOUND_DOMAIN, group =
                         the sender's group (healthy, hosted). Their receipts at the MX are left out of every
                         figure of the submitted mail (the phase table) and make the inbound table
  phaseN-ingest.txt      ingest_inspection_messages_total by outcome at "# start", "# end", "# drained"
  phaseN.env             start_ms, event_ms (freeze / resolver stop), end_ms, thaw_ms, recovered_ms, capacity...
  phaseN-samples.txt     one line a second: ts_ms r1_current r2_current dns_inflight dns_inflight_cap
                         dns_upstream_inflight_max dns_slow_budget_used
  phaseN-unbound.txt     `dns-world stats -m` at the end of the phase (counters since the phase start)
  phasec-metrics-start.txt, phasec-metrics-end.txt
                         the DNS service's dns_* meters (/q/metrics) before and after the cold burst
"""
import csv
import re
import os
import sys

ON_TIME_MS = 5000  # healthy mail delivered within this many ms of its acceptance counts as on time
HEALTHY_GROUP = os.environ.get("HEALTHY_PREFIX", "healthy") + ".test"
HOSTED_GROUP = os.environ.get("HOSTED_PREFIX", "hosted") + ".test"
BURST_WINDOW_MS = (5000, 20000)  # the cold burst's delivered msg/s: receipts 5-20 s after its start
NAMES = {"c": "cold burst", 1: "baseline", 2: "outage", 3: "recovery", 4: "resolvers down", 5: "no protections"}
INBOUND_DOMAIN = os.environ.get("INBOUND_DOMAIN", "inbound.outage-replay.test").lower()
INBOUND_GROUPS = ("healthy", "hosted")
WAITING_AFTER_MS = 5000  # inbound "waiting": accepted at least this long before the end of the load, not yet at the MX


def group_of(recipient):
    """healthy-042.test and r8f3k2.hosted-007.test give healthy.test and hosted.test (as RecordingMx does)."""
    domain = recipient.rsplit("@", 1)[-1].lower()
    labels = domain.split(".")
    return re.sub(r"-[0-9]+\.", ".", ".".join(labels[-2:]), count=1)


def read_env(path):
    env = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if "=" in line and not line.startswith("#"):
                    k, v = line.split("=", 1)
                    env[k] = v
    return env


def read_mx(state):
    """(message_id, recipient) -> first receive ms; duplicates per key; latency per key."""
    first, dups = {}, {}
    path = os.path.join(state, "mx.csv")
    if not os.path.exists(path):
        return first, dups
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["message_id"], row["recipient"].lower())
            ms = int(row["received_ms"])
            if key in first:
                dups[key] = dups.get(key, 0) + 1
                first[key] = min(first[key], ms)
            else:
                first[key] = ms
    return first, dups


def is_inbound(recipient):
    return recipient.rsplit("@", 1)[-1].lower() == INBOUND_DOMAIN


def read_submit(state, n, kind="submit"):
    path = os.path.join(state, "phase%s-%s.csv" % (n, kind))
    rows = []
    if os.path.exists(path):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                rows.append(row)
    return rows


def pct(values, q):
    if not values:
        return None
    v = sorted(values)
    i = max(0, min(len(v) - 1, int(-(-q * len(v) // 1)) - 1))
    return v[i]


def fmt(x, unit=""):
    if x is None:
        return "-"
    if isinstance(x, float):
        return "%.2f%s" % (x, unit)
    return "%s%s" % (x, unit)


def phase_id(arg):
    return int(arg) if arg.isdigit() else arg


def samples(state, n):
    out = []
    path = os.path.join(state, "phase%s-samples.txt" % n)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 7:
                    out.append([float(x) if x not in ("-", "") else None for x in p[:7]])
    return out


def phase(state, n, mx=None):
    first, dups = mx if mx is not None else read_mx(state)
    env = read_env(os.path.join(state, "phase%s.env" % n))
    rows = read_submit(state, n)
    r = {"phase": n, "name": NAMES.get(n, str(n))}
    if not env:
        return r
    if "thaw_ms" in env:
        recovery(state, env, first, r)
    if n == 3:
        return r
    start, end = int(env["start_ms"]), int(env["end_ms"])
    event = int(env.get("event_ms") or start)
    accepted = [x for x in rows if x["reply_code"].startswith("2")]
    r["sent"] = len(rows)
    r["accepted"] = len(accepted)
    r["temp4xx"] = sum(1 for x in rows if x["reply_code"].startswith("4"))
    r["perm5xx"] = sum(1 for x in rows if x["reply_code"].startswith("5"))
    r["ioerr"] = sum(1 for x in rows if x["reply_code"] == "0")
    texts = {}
    for x in rows:
        if x["reply_code"].startswith("4"):
            t = x["reply_code"] + " " + x["reply_text"][:80]
            texts[t] = texts.get(t, 0) + 1
    r["temp_texts"] = texts
    keys = [(x["message_id"], x["recipient"].lower(), group_of(x["recipient"]), int(x["submitted_ms"])) for x in accepted]
    delivered = [k for k in keys if (k[0], k[1]) in first]
    r["delivered"] = len(delivered)
    r["lost_so_far"] = len(keys) - len(delivered)
    r["duplicates"] = sum(dups.get((k[0], k[1]), 0) for k in keys)
    lat = [first[(k[0], k[1])] - k[3] for k in delivered]
    r["lat_p50"], r["lat_p99"] = pct(lat, 0.5), pct(lat, 0.99)
    # healthy-domain mail submitted after the event (the whole phase for 1): is it delayed by somebody else's outage?
    h_from = event if n in (2, 4, 5) else start
    h_lat = [first[(k[0], k[1])] - k[3] for k in delivered if k[2] == HEALTHY_GROUP and k[3] >= h_from]
    r["h_lat_p50"], r["h_lat_p99"] = pct(h_lat, 0.5), pct(h_lat, 0.99)
    h_sent = [k for k in keys if k[2] == HEALTHY_GROUP and k[3] >= h_from]
    r["h_on_time"] = (sum(1 for x in h_lat if x <= ON_TIME_MS) / len(h_sent)) if h_sent else None
    r["on_time"] = (sum(1 for x in lat if x <= ON_TIME_MS) / len(keys)) if keys else None
    if n == "c":
        burst(state, env, rows, keys, first, r)
    # throughput at the MX during the window that matters: the whole phase (1), after the event (2, 4, 5)
    w0 = event if n in (2, 4, 5) else start
    secs = max(1e-3, (end - w0) / 1000.0)
    in_window = [ms for (mid, rc), ms in first.items() if w0 <= ms <= end and not is_inbound(rc)]
    healthy_in_window = [ms for (mid, rc), ms in first.items() if w0 <= ms <= end and group_of(rc) == HEALTHY_GROUP]
    r["window_s"] = secs
    r["thr_all"] = len(in_window) / secs
    r["thr_healthy"] = len(healthy_in_window) / secs
    hosted_keys = [k for k in keys if k[2] == HOSTED_GROUP]
    r["hosted_accepted"] = len(hosted_keys)
    r["hosted_waiting_at_end"] = sum(1 for k in hosted_keys if (k[0], k[1]) not in first or first[(k[0], k[1])] > end)
    s = samples(state, n)
    cap = env.get("resolver_capacity")
    r["resolver_cap"] = int(cap) if cap else None
    if s:
        r["resolver_peak"] = int(max(max(x[1] or 0, x[2] or 0) for x in s))
        vals = [x[3] for x in s if x[3] is not None]
        r["dns_inflight_peak"] = int(max(vals)) if vals else None
        caps = [x[4] for x in s if x[4] is not None]
        r["dns_inflight_cap"] = int(max(caps)) if caps else None
        ups = [x[5] for x in s if x[5] is not None]
        r["dns_upstream_peak"] = int(max(ups)) if ups else None
        slow = [x[6] for x in s if x[6] is not None]
        r["dns_slow_peak"] = int(max(slow)) if slow else None
    ub = read_env(os.path.join(state, "phase%s-unbound.txt" % n))
    if ub:
        mx_ = [int(ub.get(k, 0) or 0) for k in ("resolver1.max", "resolver2.max")]
        r["resolver_max"] = max(mx_)
        r["resolver_exceeded"] = sum(int(ub.get(k, 0) or 0) for k in ("resolver1.exceeded", "resolver2.exceeded"))
    return r


def read_meters(path):
    """The dns_* lines of one /q/metrics scrape: {(name, labels): value}."""
    meters = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                m = re.match(r"^(dns_[a-z_]+)(\{[^}]*\})?\s+(\S+)", line)
                if m:
                    meters[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return meters


def label(labels, key):
    m = re.search(key + r'="([^"]*)"', labels)
    return m.group(1) if m else "?"


def counts(d):
    return ", ".join("%s %d" % kv for kv in sorted(d.items(), key=lambda kv: -kv[1])) if d else "none"


def burst(state, env, rows, keys, first, r):
    """The cold burst: submission and delivery rates, and the DNS service's sheds and timeouts over the phase."""
    start, end = int(env["start_ms"]), int(env["end_ms"])
    subs = [int(x["submitted_ms"]) for x in rows]
    r["submit_rate"] = len(rows) / max(1e-3, (max(subs) - start) / 1000.0) if subs else None
    w0, w1 = start + BURST_WINDOW_MS[0], start + BURST_WINDOW_MS[1]
    mine = {(k[0], k[1]) for k in keys}
    got = [first[k] for k in mine if k in first and w0 <= first[k] <= w1]
    r["burst_window"] = BURST_WINDOW_MS
    r["thr_window"] = len(got) / ((w1 - w0) / 1000.0)
    last = [first[k] for k in mine if k in first]
    r["drain_s"] = (max(last) - start) / 1000.0 if last and len(last) == len(mine) else None
    d = dns_deltas(state, "c")
    if d is None:
        return
    r.update(d)


def dns_deltas(state, n):
    """The DNS service's meters over phase n (phaseN-metrics-start.txt to -end.txt): sheds by cap, upstream timeouts,
    late answers, answers by status, cache misses, per-upstream in-flight max; None without the end scrape."""
    a = read_meters(os.path.join(state, "phase%s-metrics-start.txt" % n))
    b = read_meters(os.path.join(state, "phase%s-metrics-end.txt" % n))
    if not b:
        return None

    def delta(name, key):
        out = {}
        for (m, labels), v in b.items():
            if m == name:
                k = label(labels, key)
                out[k] = out.get(k, 0) + v - a.get((m, labels), 0.0)
        return {k: int(round(v)) for k, v in out.items() if round(v) != 0}
    peaks = [v for (m, labels), v in b.items() if m == "dns_upstream_inflight_max"]
    return {"shed": delta("dns_queries_shed_total", "cap"),
            "timeouts": delta("dns_upstream_timeouts_total", "upstream"),
            "late": delta("dns_upstream_late_answers_total", "rcode"),
            "answers": delta("dns_answers_total", "status"),
            "misses": delta("dns_cache_misses_total", "x").get("?", 0),
            "dns_upstream_max": int(max(peaks)) if peaks else None}


def recovery(state, env, first, r):
    """After thaw_ms: how long until every accepted hosted message of phase of_phase reached the MX."""
    thaw = int(env["thaw_ms"])
    rows = [x for x in read_submit(state, int(env["of_phase"])) if x["reply_code"].startswith("2")
            and group_of(x["recipient"]) == HOSTED_GROUP]
    keys = [(x["message_id"], x["recipient"].lower()) for x in rows]
    waiting = [k for k in keys if k not in first or first[k] > thaw]
    r["waiting_at_thaw"] = len(waiting)
    r["still_waiting"] = sum(1 for k in waiting if k not in first)
    if r["still_waiting"] == 0:
        r["recovery_s"] = (max(first[k] for k in waiting) - thaw) / 1000.0 if waiting else 0.0
    else:
        r["recovery_s"] = None
        r["recovery_note"] = "%d still waiting at the end" % r["still_waiting"]


def read_ingest(state, n):
    """The inspection stage's outcome counters at each snapshot of phase n: {label: {outcome: value}}."""
    snaps, label = {}, None
    path = os.path.join(state, "phase%s-ingest.txt" % n)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.startswith("# "):
                    label = line.split()[1]
                    snaps[label] = {}
                    continue
                m = re.match(r'^ingest_inspection_messages_total\{[^}]*outcome="([^"]+)"[^}]*\}\s+(\S+)', line)
                if m and label:
                    snaps[label][m.group(1)] = float(m.group(2))
    return snaps


def stage_outcomes(state, n):
    """Inspection outcomes from the phase's start to its last snapshot (drained, else end): {outcome: count}."""
    snaps = read_ingest(state, n)
    if "start" not in snaps:
        return None
    last = snaps.get("drained") or snaps.get("end")
    if last is None:
        return None
    a = snaps["start"]
    return {k: int(round(v - a.get(k, 0.0))) for k, v in last.items() if round(v - a.get(k, 0.0)) != 0}


def inbound(state, n, mx):
    """Inbound mail of phase n by sender group: {group: figures}; None when the phase sent none."""
    first, dups = mx
    env = read_env(os.path.join(state, "phase%s.env" % n))
    rows = read_submit(state, n, "inbound")
    if not env or not rows or "start_ms" not in env or "end_ms" not in env:
        return None
    start, end = int(env["start_ms"]), int(env["end_ms"])
    event = int(env.get("event_ms") or start)
    after = event if n in (2, 4, 5) else start
    back = int(env["thaw_ms"]) if "thaw_ms" in env else int(env["resolvers_back_ms"]) if "resolvers_back_ms" in env else None
    out = {}
    for g in INBOUND_GROUPS:
        rs = [x for x in rows if x["group"] == g]
        acc = [x for x in rs if x["reply_code"].startswith("2")]
        keys = [(x["message_id"], x["recipient"].lower(), int(x["submitted_ms"])) for x in acc]
        got = [k for k in keys if (k[0], k[1]) in first]
        r = {"sent": len(rs), "accepted": len(acc),
             "temp4xx": sum(1 for x in rs if x["reply_code"].startswith("4")),
             "perm5xx": sum(1 for x in rs if x["reply_code"].startswith("5")),
             "ioerr": sum(1 for x in rs if x["reply_code"] == "0"),
             "delivered": len(got), "lost": len(keys) - len(got),
             "duplicates": sum(dups.get((k[0], k[1]), 0) for k in keys)}
        lat = [first[(k[0], k[1])] - k[2] for k in got if k[2] >= after]
        r["lat_p50"], r["lat_p99"] = pct(lat, 0.5), pct(lat, 0.99)
        n_after = sum(1 for k in keys if k[2] >= after)
        r["on_time"] = (sum(1 for x in lat if x <= ON_TIME_MS) / n_after) if n_after else None
        r["waiting_at_end"] = sum(1 for k in keys if k[2] <= end - WAITING_AFTER_MS
                                  and ((k[0], k[1]) not in first or first[(k[0], k[1])] > end))
        secs = max(1e-3, (end - after) / 1000.0)
        r["thr"] = sum(1 for k in got if after <= first[(k[0], k[1])] <= end) / secs
        if back is not None:
            waiting = [k for k in keys if (k[0], k[1]) not in first or first[(k[0], k[1])] > back]
            r["waiting_at_back"] = len(waiting)
            still = sum(1 for k in waiting if (k[0], k[1]) not in first)
            r["still_waiting"] = still
            r["recovery_s"] = None if still else \
                ((max(first[(k[0], k[1])] for k in waiting) - back) / 1000.0 if waiting else 0.0)
        out[g] = r
    return out


def inbound_recovery(state, mx):
    """Phase 3: the inbound mail of phase 2 still waiting at the thaw, by sender group, and when it arrived."""
    first, _ = mx
    env = read_env(os.path.join(state, "phase3.env"))
    if "thaw_ms" not in env:
        return None
    thaw = int(env["thaw_ms"])
    rows = [x for x in read_submit(state, int(env.get("of_phase", 2)), "inbound") if x["reply_code"].startswith("2")]
    if not rows:
        return None
    out = {}
    for g in INBOUND_GROUPS:
        keys = [(x["message_id"], x["recipient"].lower()) for x in rows if x["group"] == g]
        waiting = [k for k in keys if k not in first or first[k] > thaw]
        still = sum(1 for k in waiting if k not in first)
        out[g] = {"waiting_at_back": len(waiting), "still_waiting": still,
                  "recovery_s": None if still else ((max(first[k] for k in waiting) - thaw) / 1000.0 if waiting else 0.0)}
    return out


def inbound_targets(rows):
    """One line per inbound target: met or not, from the inbound figures of every phase run."""
    notes = []
    base = rows.get(1)
    for n in (2, 4, 5):
        r = rows.get(n)
        if r and base and base["healthy"]["thr"]:
            h = r["healthy"]
            ratio = h["thr"] / base["healthy"]["thr"]
            target = {2: "target >= 95%", 4: "target >= 90%", 5: "no target: without protections"}[n]
            notes.append("%s: healthy senders' in/s %.1f%% of baseline (%s); %d of their %d accepted messages"
                         " waiting (parked) at the end of the load%s"
                         % (NAMES[n], 100 * ratio, target, h["waiting_at_end"], h["accepted"],
                            " (target 0)" if n != 5 else ""))
    rec = rows.get(3)
    if rec:
        h = rec["hosted"]
        notes.append("recovery: %d hosted-sender messages of the outage waiting at the thaw, %s"
                     % (h["waiting_at_back"], "all delivered %s s after it" % fmt(h["recovery_s"]) if h["recovery_s"] is not None
                        else "%d never delivered" % h["still_waiting"]))
    lost = sum(r[g]["lost"] for k, r in rows.items() if k != 3 for g in INBOUND_GROUPS)
    dups = sum(r[g]["duplicates"] for k, r in rows.items() if k != 3 for g in INBOUND_GROUPS)
    notes.append("lost %d, duplicates %d in all (target 0 and 0)" % (lost, dups))
    return notes


def print_inbound(state, n, mx):
    if n == 3:
        rec = inbound_recovery(state, mx)
        if rec:
            for g in INBOUND_GROUPS:
                r = rec[g]
                if r["waiting_at_back"]:
                    print("  inbound from %s senders: %d waiting at the thaw, %s" % (g, r["waiting_at_back"],
                          "all delivered %s s after it" % fmt(r["recovery_s"]) if r["recovery_s"] is not None
                          else "%d still waiting" % r["still_waiting"]))
        return
    ib = inbound(state, n, mx)
    if not ib:
        return
    for g in INBOUND_GROUPS:
        r = ib[g]
        print("  inbound from %s senders: sent %d, accepted %d, 4xx %d, 5xx %d; delivered %d, lost so far %d, dups %d;"
              " latency p50 %s p99 %s; waiting at the end %d; %.2f msg/s at the MX%s"
              % (g, r["sent"], r["accepted"], r["temp4xx"], r["perm5xx"], r["delivered"], r["lost"], r["duplicates"],
                 fmt(r["lat_p50"], " ms"), fmt(r["lat_p99"], " ms"), r["waiting_at_end"], r["thr"],
                 ("; %d waiting when the DNS came back, all delivered %s s later" % (r["waiting_at_back"], fmt(r["recovery_s"]))
                  if r.get("waiting_at_back") else "")))
    st = stage_outcomes(state, n)
    if st is not None:
        print("  inspection stage over the phase: %s" % counts(st))
    d = dns_deltas(state, n)
    if d is not None:
        print("  dns-service over the load (all callers): answers %s; BUSY sheds by cap %s; upstream timeouts %s"
              % (counts(d["answers"]), counts(d["shed"]), counts(d["timeouts"])))


def inbound_table(state, mx, env):
    """The inbound block of the result file; [] when the replay sent no inbound mail."""
    rows = {}
    for n in (1, 2, 4, 5):
        ib = inbound(state, n, mx)
        if ib:
            rows[n] = ib
    rec = inbound_recovery(state, mx)
    if rec:
        rows[3] = rec
    if not rows:
        return []
    base = rows.get(1)
    lines = ["",
             "# Inbound mail: %s msg/s, %s" % (env.get("inbound_rate", "?"), env.get("inbound", "?")),
             "%-15s %-8s %6s %6s %5s %5s %9s %5s %5s %9s %9s %7s %8s %7s %12s %9s"
             % ("phase", "senders", "sent", "accept", "4xx", "5xx", "delivered", "lost", "dups", "p50_ms", "p99_ms",
                "<=5s", "waiting", "in/s", "vs_baseline", "recover_s")]
    for n in (1, 2, 3, 4, 5):
        if n not in rows:
            continue
        for g in INBOUND_GROUPS:
            r = rows[n][g]
            if n == 3:
                lines.append("%-15s %-8s %s waiting at thaw; all delivered after %s s%s"
                             % (NAMES[n], g, r["waiting_at_back"], fmt(r["recovery_s"]),
                                (" (%d still waiting at the end)" % r["still_waiting"]) if r["still_waiting"] else ""))
                continue
            ratio = (r["thr"] / base[g]["thr"]) if n in (2, 4, 5) and base and base[g]["thr"] else None
            lines.append("%-15s %-8s %6d %6d %5d %5d %9d %5d %5d %9s %9s %7s %8d %7.2f %12s %9s"
                         % (NAMES[n], g, r["sent"], r["accepted"], r["temp4xx"], r["perm5xx"], r["delivered"], r["lost"],
                            r["duplicates"], fmt(r["lat_p50"]), fmt(r["lat_p99"]),
                            ("%.1f%%" % (100 * r["on_time"])) if r["on_time"] is not None else "-",
                            r["waiting_at_end"], r["thr"], ("%.1f%%" % (100 * ratio)) if ratio is not None else "-",
                            fmt(r.get("recovery_s")) if r.get("waiting_at_back") else "-"))
    lines.append("# senders = the group of the sender's domain (MAIL FROM and From:); the recipient is always user@%s." % INBOUND_DOMAIN)
    lines.append("# p50/p99/<=5s: end to end (X-Submitted-At -> received at the MX, parking included) of the mail sent after the")
    lines.append("# event (phases 2, 4, 5; the whole phase for 1); waiting = accepted >= 5 s before the end of the load and not at the")
    lines.append("# MX by then (parked by the inspection stage); in/s = receipts at the MX after the event / baseline the same for")
    lines.append("# phase 1; recover_s = from the thaw (phases 3, 5) or the resolvers' restart (phase 4) until the last message")
    lines.append("# waiting then reached the MX: the inbound mail's own recovery, NOT part of the submitted mail's recover_s above.")
    lines.append("# Targets (issue 7's, applied to inbound mail): healthy senders' in/s >= 95% of baseline in the outage (2), >= 90%")
    lines.append("# with the resolvers down (4), none of it waiting; hosted senders' mail waits during the freeze and all of it")
    lines.append("# arrives after the thaw (3); 0 lost, 0 dups.")
    for note in inbound_targets(rows):
        lines.append("#   " + note)
    for n in (1, 2, 3, 4, 5):
        st = stage_outcomes(state, n)
        if st is not None:
            lines.append("# inspection stage in %s (ingest_inspection_messages_total, start to %s): %s"
                         % (NAMES[n], "drain" if "drained" in read_ingest(state, n) else "end of the load", counts(st)))
        d = dns_deltas(state, n)
        if d is not None:
            lines.append("#   dns-service over the load (all callers): answers %s; BUSY sheds by cap %s; upstream timeouts %s"
                         % (counts(d["answers"]), counts(d["shed"]), counts(d["timeouts"])))
    return lines


def baseline_ratio(r, base, key):
    if base.get(key) and r.get(key) is not None:
        return r[key] / base[key]
    return None


def print_phase(r, base):
    n = r["phase"]
    print("phase %s (%s)" % (n, r["name"]))
    if n == 3 and "waiting_at_thaw" in r:
        print("  hosted-domain messages waiting when the servers came back: %d" % r["waiting_at_thaw"])
        print("  every one delivered %s after the thaw, with no operator action%s"
              % (fmt(r["recovery_s"], " s"), (" (" + r["recovery_note"] + ")") if r.get("recovery_note") else ""))
        return
    if "sent" not in r:
        print("  not run")
        return
    print("  submitted %d: accepted %d, 4xx %d, 5xx %d, io errors %d" % (r["sent"], r["accepted"], r["temp4xx"], r["perm5xx"], r["ioerr"]))
    for t, c in sorted(r["temp_texts"].items(), key=lambda kv: -kv[1])[:5]:
        print("    4xx %6d  %s" % (c, t))
    print("  delivered %d of %d accepted so far, duplicates %d; end-to-end latency p50 %s p99 %s"
          % (r["delivered"], r["accepted"], r["duplicates"], fmt(r["lat_p50"], " ms"), fmt(r["lat_p99"], " ms")))
    print("  at the MX over %.0f s: %.2f msg/s in total, %.2f msg/s to healthy domains" % (r["window_s"], r["thr_all"], r["thr_healthy"]))
    if n == "c":
        print("  submitted %s msg/s; delivered %.2f msg/s in the window %d-%d s after the start; %s delivered within 5 s;"
              " everything delivered %s after the start"
              % (fmt(r.get("submit_rate")), r["thr_window"], r["burst_window"][0] // 1000, r["burst_window"][1] // 1000,
                 ("%.1f%%" % (100 * r["on_time"])) if r.get("on_time") is not None else "-", fmt(r.get("drain_s"), " s")))
        if "shed" in r:
            print("  dns-service: BUSY sheds by cap %s; upstream timeouts %s; late answers %s; answers %s; cache misses %s;"
                  " per-upstream in-flight max %s"
                  % (counts(r["shed"]), counts(r["timeouts"]), counts(r["late"]), counts(r["answers"]), r["misses"],
                     fmt(r.get("dns_upstream_max"))))
    if n in (2, 5):
        print("  healthy throughput / baseline: %s" % fmt(baseline_ratio(r, base, "thr_healthy")))
        print("  hosted-domain messages waiting at the end of the phase: %d of %d" % (r["hosted_waiting_at_end"], r["hosted_accepted"]))
    if n == 4:
        print("  throughput / baseline (previously seen domains only): %s" % fmt(baseline_ratio(r, base, "thr_all")))
    if "resolver_peak" in r or "resolver_max" in r:
        print("  resolver request list: sampled peak %s, unbound max %s, capacity %s, dropped (exceeded) %s"
              % (fmt(r.get("resolver_peak")), fmt(r.get("resolver_max")), fmt(r.get("resolver_cap")), fmt(r.get("resolver_exceeded"))))
    if r.get("dns_inflight_peak") is not None:
        print("  dns-service in flight: peak %s of cap %s; per-upstream peak %s; slow budget peak %s"
              % (fmt(r.get("dns_inflight_peak")), fmt(r.get("dns_inflight_cap")), fmt(r.get("dns_upstream_peak")), fmt(r.get("dns_slow_peak"))))
    if "recovery_s" in r and n != 3:
        print("  after the thaw: %d waiting, all delivered %s later%s"
              % (r["waiting_at_thaw"], fmt(r["recovery_s"], " s"), (" (" + r["recovery_note"] + ")") if r.get("recovery_note") else ""))


def table(state, out):
    mx = read_mx(state)
    rows = [phase(state, n, mx) for n in ("c", 1, 2, 3, 4, 5)]
    base = rows[1]
    env = read_env(os.path.join(state, "replay.env"))
    lines = ["# Outage replay (issue 7), %s, %s" % (env.get("date", "?"), env.get("machine", "?")),
             "# rate %s msg/s over %s connections, phases of %s s, healthy:hosted weights %s; %s"
             % (env.get("rate", "?"), env.get("connections", "?"), env.get("phase_seconds", "?"), env.get("weights", "?"), env.get("notes", "")),
             "%-15s %7s %7s %5s %5s %9s %5s %5s %9s %9s %9s %9s %8s %10s %12s %9s %8s %9s %9s"
             % ("phase", "sent", "accept", "4xx", "5xx", "delivered", "lost", "dups", "p50_ms", "p99_ms", "h_p50_ms",
                "h_p99_ms", "h_<=5s", "healthy/s", "vs_baseline", "resolver", "drops", "up_infl", "recover_s")]
    for r in rows:
        if r["phase"] == 3 and "waiting_at_thaw" in r:
            lines.append("%-15s %s waiting at thaw; all delivered after %s s%s" % (r["name"], r["waiting_at_thaw"],
                         fmt(r.get("recovery_s")), (" (" + r["recovery_note"] + ")") if r.get("recovery_note") else ""))
            continue
        if "sent" not in r:
            lines.append("%-15s not run" % r["name"])
            continue
        if r["phase"] == "c":
            r["thr_healthy"] = r["thr_window"]
            r.setdefault("dns_upstream_peak", r.get("dns_upstream_max"))
        key = "thr_all" if r["phase"] == 4 else "thr_healthy"
        ratio = baseline_ratio(r, base, key) if r["phase"] in (2, 4, 5) else None
        res = "%s/%s" % (fmt(max(r.get("resolver_peak") or 0, r.get("resolver_max") or 0)), fmt(r.get("resolver_cap")))
        on_time = r.get("h_on_time")
        lines.append("%-15s %7d %7d %5d %5d %9d %5d %5d %9s %9s %9s %9s %8s %10.2f %12s %9s %8s %9s %9s"
                     % (r["name"], r["sent"], r["accepted"], r["temp4xx"], r["perm5xx"], r["delivered"], r["lost_so_far"],
                        r["duplicates"], fmt(r["lat_p50"]), fmt(r["lat_p99"]), fmt(r.get("h_lat_p50")),
                        fmt(r.get("h_lat_p99")), ("%.1f%%" % (100 * on_time)) if on_time is not None else "-",
                        r["thr_healthy"],
                        ("%.1f%%" % (100 * ratio)) if ratio is not None else "-", res, fmt(r.get("resolver_exceeded")),
                        fmt(r.get("dns_upstream_peak")), fmt(r.get("recovery_s"))))
    lines.append("# lost = accepted (250) but never received at the MX by the end of the replay; dups = extra receipts of")
    lines.append("# the same (Message-ID, recipient); h_p50/h_p99 = end-to-end latency of healthy-domain mail submitted after")
    lines.append("# the event, h_<=5s = the share of it delivered within 5 s of acceptance; resolver = peak request list (sampled each second, and Unbound's own max) / capacity; drops =")
    lines.append("# Unbound's requestlist.exceeded (it also counts queries Unbound itself expires unanswered after ~35 s, see")
    lines.append("# docs/outage-replay.md); up_infl = the DNS service's peak queries in flight to one upstream (cap 48 by")
    lines.append("# default); vs_baseline = healthy-domain throughput after the freeze (phases 2, 5) or all throughput after")
    lines.append("# the resolvers stopped (phase 4)")
    c = rows[0]
    if "sent" in c:
        warm = read_env(os.path.join(state, "phasec.env")).get("warm")
        if warm:
            lines.append("# CONTROL RUN of the cold burst: BURST_WARM=%s (%s warmed before the burst)"
                         % (warm, "every burst domain's DNS" if warm == "dns" else "the JVMs, by the same burst to the hosted domains"))
        lines.append("# cold burst (%s, every cache cold, healthy domains only, each its first time): submitted %s msg/s;"
                     " delivered %.2f msg/s in the window %d-%d s after the start (the healthy/s column: the same);"
                     " %s delivered within 5 s; all delivered %s after the start"
                     % (env.get("burst", "?"), fmt(c.get("submit_rate")), c["thr_window"], c["burst_window"][0] // 1000,
                        c["burst_window"][1] // 1000, ("%.1f%%" % (100 * c["on_time"])) if c.get("on_time") is not None else "-",
                        fmt(c.get("drain_s"), " s")))
        if "shed" in c:
            lines.append("# cold burst, dns-service: BUSY sheds by cap %s; upstream timeouts %s; late answers %s"
                         % (counts(c["shed"]), counts(c["timeouts"]), counts(c["late"])))
    lines += inbound_table(state, mx, env)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(out, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    state, cmd = sys.argv[1], sys.argv[2]
    if cmd == "phase":
        n = phase_id(sys.argv[3])
        base = phase(state, 1) if n != 1 else {}
        r = phase(state, n)
        print_phase(r, base if n != 1 else r)
        print_inbound(state, n, read_mx(state))
    elif cmd == "pending":
        n = phase_id(sys.argv[3])
        grp = sys.argv[4] if len(sys.argv) > 4 else None
        first, _ = read_mx(state)
        rows = [x for x in read_submit(state, n) if x["reply_code"].startswith("2")]
        pending = [x for x in rows if (grp is None or group_of(x["recipient"]) == grp)
                   and (x["message_id"], x["recipient"].lower()) not in first]
        inbound_rows = [x for x in read_submit(state, n, "inbound") if x["reply_code"].startswith("2")]
        if grp is None:
            pending += [x for x in inbound_rows if (x["message_id"], x["recipient"].lower()) not in first]
        print(len(pending))
    elif cmd == "table":
        table(state, sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
