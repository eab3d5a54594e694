"""bench/soak.py's report: what the samples and the clients' counters come to, and the problems that make
the soak fail (a viewer's command accepted, internal errors, failed connects, an engine error, ticking
below 5 Hz, an RSS slope above --max-slope), then the printed summary. The soak itself (server, churning
clients, sampler) is in soak.py.
"""

from __future__ import annotations

import statistics


def slope_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, value) points, in value units per hour."""
    if len(points) < 3:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    if den == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 3600.0


def summarise(args, warmup, samples, stats, final, end_rss, problems) -> dict:
    problems = list(problems)
    c = dict(stats.c)
    if c["viewer_accepted"]:
        problems.append(f"{c['viewer_accepted']} commands from viewers were accepted (viewers are read-only)")
    if c["internal_errors"]:
        problems.append(f"{c['internal_errors']} commands were answered with an internal error")
    if c["sessions"] == 0:
        problems.append("no client ever connected")
    elif c["connect_failures"] > 0.01 * (c["sessions"] + c["connect_failures"]):
        problems.append(f"{c['connect_failures']} of {c['sessions'] + c['connect_failures']} connects failed")
    if final is not None and final.get("error"):
        problems.append(f"engine error after the soak: {final['error']}")
    steady = [s for s in samples if s["t"] >= warmup] or samples
    half = [s for s in samples if s["t"] >= args.duration / 2] or samples
    mib = lambda kb: round(kb / 1024.0, 1)  # noqa: E731
    rss = [s["rss_kb"] for s in samples]
    hz = [s["tick_hz"] for s in steady if "tick_hz" in s]
    late = sorted(s["tick_delay_ms"] for s in steady if s.get("tick_delay_ms") is not None)
    if hz and min(hz) < 5.0:
        problems.append(f"the server ticked at {min(hz)} Hz at worst (10 Hz expected)")
    report = {
        "duration_s": args.duration, "clients": args.clients, "mode": args.mode, "lifetime_s": args.lifetime,
        "samples": len(samples),
        "rss_mib": {"first": mib(rss[0]) if rss else None, "start": mib(steady[0]["rss_kb"]) if steady else None,
                    "end": mib(end_rss) if end_rss else (mib(rss[-1]) if rss else None),
                    "max": mib(max(rss)) if rss else None},
        "rss_slope_mib_per_h": {
            "after_warmup": _round(slope_per_hour([(s["t"], s["rss_kb"] / 1024.0) for s in steady])),
            "second_half": _round(slope_per_hour([(s["t"], s["rss_kb"] / 1024.0) for s in half]))},
        "tick_hz": {"min": min(hz) if hz else None, "mean": round(statistics.fmean(hz), 2) if hz else None},
        "tick_late_ms": {"p50": _pct(late, 0.5), "p95": _pct(late, 0.95), "max_sampled": late[-1] if late else None,
                         "max_ever": final.get("max_tick_delay_ms") if final else None},
        "server_cpu_pct_mean": round(statistics.fmean([s["cpu_pct"] for s in steady if "cpu_pct" in s]), 1)
        if any("cpu_pct" in s for s in steady) else None,
        "clients_connected_max": max((s["clients"] for s in samples), default=None),
        "members": {"min": min((s["members"] for s in steady), default=None),
                    "max": max((s["members"] for s in steady), default=None)},
        "loadavg": {"mean": round(statistics.fmean([s["loadavg"] for s in steady]), 2) if steady else None,
                    "max": max((s["loadavg"] for s in steady), default=None)},
        "clients_after": final.get("clients") if final else None,
        "full_gc": {k: final.get(k) for k in ("full_gcs", "full_gc_ms", "max_full_gc_ms", "full_gc_freed")}
        if final else None,
        "client_stats": c, "max_frame_gap_s": round(stats.max_gap_s, 3),
        "error_samples": stats.error_samples,
    }
    second = report["rss_slope_mib_per_h"]["second_half"]
    if args.max_slope is not None and second is not None and second > args.max_slope:
        problems.append(f"RSS grew {second} MiB/h in the second half (limit {args.max_slope})")
    report["problems"] = problems
    return report


def _round(x):
    return None if x is None else round(x, 2)


def _pct(sorted_vals, q):
    if not sorted_vals:
        return None
    return sorted_vals[min(len(sorted_vals) - 1, int(q * len(sorted_vals)))]


def print_report(r: dict) -> None:
    c = r["client_stats"]
    print(f"\nsoak: {r['duration_s']:.0f} s, {r['clients']} churning clients ({r['mode']}), {r['samples']} samples")
    print(f"  RSS MiB: first {r['rss_mib']['first']}, after warm-up {r['rss_mib']['start']}, "
          f"end {r['rss_mib']['end']}, max {r['rss_mib']['max']}")
    print(f"  RSS slope MiB/h: after warm-up {r['rss_slope_mib_per_h']['after_warmup']}, "
          f"second half {r['rss_slope_mib_per_h']['second_half']}")
    print(f"  ticks: {r['tick_hz']['mean']} Hz mean, {r['tick_hz']['min']} Hz min; late p50 "
          f"{r['tick_late_ms']['p50']} ms, p95 {r['tick_late_ms']['p95']} ms, max sampled "
          f"{r['tick_late_ms']['max_sampled']} ms, worst ever {r['tick_late_ms']['max_ever']} ms")
    print(f"  server CPU {r['server_cpu_pct_mean']}% mean; clients connected max {r['clients_connected_max']}, "
          f"after {r['clients_after']}; group size {r['members']['min']}..{r['members']['max']} consumers")
    gcs = r.get("full_gc") or {}
    print(f"  full garbage collections {gcs.get('full_gcs')} (last {gcs.get('full_gc_ms')} ms, longest "
          f"{gcs.get('max_full_gc_ms')} ms, {gcs.get('full_gc_freed')} objects freed)")
    print(f"  machine load average {r['loadavg']['mean']} mean, {r['loadavg']['max']} max (2 cores; shared)")
    print(f"  sessions {c['sessions']} (connect failures {c['connect_failures']}, polite leaves {c['polite_leaves']}, "
          f"dropped {c['dropped']}); commands {c['commands']}, acks {c['acks']} (ok {c['acks_ok']}, refused "
          f"{c['acks_refused']}, internal errors {c['internal_errors']}); viewer commands {c['viewer_commands']} "
          f"(refused read-only {c['viewer_refused']}, accepted {c['viewer_accepted']}); ticks received {c['ticks']}, "
          f"{c['bytes'] / 1e6:.1f} MB; longest frame gap {r['max_frame_gap_s']} s; client errors {c['errors']}")
    for e in r["error_samples"]:
        print(f"    e.g. {e}")
    print("  OK" if not r["problems"] else "  PROBLEMS:\n    " + "\n    ".join(r["problems"]))
