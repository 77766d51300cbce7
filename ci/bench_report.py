"""One table, and one plot, from one run of the Rust and the Go benchmarks.

Reads criterion's results (target/criterion/**/new/{benchmark,estimates}.json: the median time
per iteration and the elements per iteration) and `go test -bench` output (the msgs/s and
events/s metrics of benches/go), and prints a Markdown report: the machine, the versions and
the commit; throughput for every implementation and capacity, with the ratios pleg/Go,
pleg/crossbeam and pleg/std; every channel's cost per message as a multiple of one cache-line
hand-off between the two cores (handoff/ping-pong); the relist bursts. It also writes an SVG
plot of throughput against capacity, one line per implementation, Go included.

Usage: bench_report.py CRITERION_DIR GO_OUTPUT PLOT.svg MACHINE_LINE RUSTC_VERSION GO_VERSION COMMIT
"""
import glob
import json
import math
import os
import re
import sys

CAPACITIES = [1, 16, 1000]
RUST = ["pleg-std", "pleg-parking_lot", "std-sync_channel", "crossbeam-bounded"]
ALL = RUST + ["go"]
COLOURS = {"pleg-std": "#1f5fbf", "pleg-parking_lot": "#6a3fb5", "std-sync_channel": "#9aa1ad",
           "crossbeam-bounded": "#1e7d32", "go": "#c0392b"}


def criterion(root):
    """{full_id: elements per second}, from the median time per iteration."""
    rates = {}
    for path in glob.glob(os.path.join(root, "**", "new", "benchmark.json"), recursive=True):
        bench = json.load(open(path))
        estimates = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))
        elements = (bench.get("throughput") or {}).get("Elements")
        if elements:
            rates[bench["full_id"]] = elements / (estimates["median"]["point_estimate"] * 1e-9)
    return rates


def go(path):
    """{benchmark name without the GOMAXPROCS suffix: metric per second}."""
    rates = {}
    for line in open(path):
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+[\d.]+ ns/op\s+([\d.e+]+) (msgs|events)/s", line)
        if m:
            rates[m.group(1)] = float(m.group(3))
    return rates


def rate(rust, golang, workload, impl, capacity):
    if impl == "go":
        key = {"send": f"SPSC/send/go/{capacity}", "try_send-drop": f"SPSC/try_send-drop/go/{capacity}",
               "two-producers": f"TwoProducers/go/{capacity}"}[workload]
        return golang.get(key)
    group = {"send": "channel/spsc/send", "try_send-drop": "channel/spsc/try_send-drop",
             "two-producers": "channel/mpsc/two-producers"}[workload]
    return rust.get(f"{group}/{impl}/{capacity}")


def millions(r):
    return "—" if r is None else f"{r / 1e6:.2f} M/s"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.2f}"


def report(rust, golang, machine, rustc, goversion, commit):
    handoff = rust.get("handoff/ping-pong")
    ns_handoff = 1e9 / handoff if handoff else None
    out = [f"Machine: {machine}. {rustc}; {goversion}; commit {commit}. Medians of one run "
           "(criterion for Rust, `go test -bench` for Go).", ""]
    if ns_handoff:
        out += [f"One cache-line hand-off between the two cores (handoff/ping-pong): "
                f"**{ns_handoff:.1f} ns**.", ""]
    for workload, title in [("send", "Blocking send (`ch <- v`), one producer, one consumer"),
                            ("try_send-drop", "Select/default (`try_send`, drop when full), one producer"),
                            ("two-producers", "Two producers into one channel, blocking send")]:
        out += [f"**{title}** — messages per second (10,000 per run):", "",
                "| capacity | " + " | ".join(ALL) + " | pleg-std / Go | pleg-std / crossbeam | "
                "pleg-std / std | pleg-parking_lot / crossbeam |",
                "|---:|" + "---:|" * (len(ALL) + 4)]
        for c in CAPACITIES:
            r = {i: rate(rust, golang, workload, i, c) for i in ALL}
            out.append(f"| {c} | " + " | ".join(millions(r[i]) for i in ALL) + " | "
                       + " | ".join([ratio(r["pleg-std"], r["go"]), ratio(r["pleg-std"], r["crossbeam-bounded"]),
                                     ratio(r["pleg-std"], r["std-sync_channel"]),
                                     ratio(r["pleg-parking_lot"], r["crossbeam-bounded"])]) + " |")
        out.append("")
        if ns_handoff:
            out += ["Cost per message, in cache-line hand-offs:", "",
                    "| capacity | " + " | ".join(ALL) + " |", "|---:|" + "---:|" * len(ALL)]
            for c in CAPACITIES:
                cells = []
                for i in ALL:
                    r = rate(rust, golang, workload, i, c)
                    cells.append("—" if r is None else f"{1e9 / r / ns_handoff:.2f}")
                out.append(f"| {c} | " + " | ".join(cells) + " |")
            out.append("")
    out += ["**relist bursts into capacity 1000** — events per second until relist has sent or "
            "dropped its last one:", "",
            "| syncLoop | policy | burst | pleg-std | go | pleg-std / Go |", "|---|---|---:|---:|---:|---:|"]
    for consumer in ["fast-syncLoop", "slow-syncLoop"]:
        for policy in ["blocking", "drop-when-full"]:
            for burst in [100, 1000, 1001, 5000]:
                r = rust.get(f"relist/burst/{consumer}/{policy}/{burst}")
                g = golang.get(f"RelistBurst/{consumer}/{policy}/{burst}")
                out.append(f"| {consumer} | {policy} | {burst} | {millions(r)} | {millions(g)} | {ratio(r, g)} |")
    return "\n".join(out) + "\n"


def plot(rust, golang, path):
    """Throughput against capacity, one line per implementation: blocking send and select/default."""
    width, height, left, top, panel_w, panel_h, gap = 980, 460, 70, 50, 380, 320, 110
    all_rates = [rate(rust, golang, w, i, c) for w in ("send", "try_send-drop") for i in ALL for c in CAPACITIES]
    top_rate = max(r for r in all_rates if r) / 1e6
    y_max = 10 ** math.ceil(math.log10(top_rate))
    y_min = y_max / 10 ** 5
    def y(r):
        v = min(max(r / 1e6, y_min), y_max)
        return top + panel_h * (1 - (math.log10(v) - math.log10(y_min)) / (math.log10(y_max) - math.log10(y_min)))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="#fff"/>']
    for p, (workload, title) in enumerate([("send", "blocking send"), ("try_send-drop", "select/default (drop when full)")]):
        x0 = left + p * (panel_w + gap)
        def x(i):
            return x0 + 30 + i * (panel_w - 60) / (len(CAPACITIES) - 1)
        svg.append(f'<text x="{x0 + panel_w / 2}" y="{top - 18}" text-anchor="middle" font-weight="bold">{title}</text>')
        svg.append(f'<rect x="{x0}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#999"/>')
        for e in range(int(math.log10(y_min)), int(math.log10(y_max)) + 1):
            v = 10 ** e
            yy = y(v * 1e6)
            svg.append(f'<line x1="{x0}" y1="{yy:.1f}" x2="{x0 + panel_w}" y2="{yy:.1f}" stroke="#eee"/>')
            svg.append(f'<text x="{x0 - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#555">{v:g} M/s</text>')
        for i, c in enumerate(CAPACITIES):
            svg.append(f'<text x="{x(i):.1f}" y="{top + panel_h + 18}" text-anchor="middle" fill="#555">{c}</text>')
        svg.append(f'<text x="{x0 + panel_w / 2}" y="{top + panel_h + 36}" text-anchor="middle">capacity</text>')
        for impl in ALL:
            points = [(x(i), y(r)) for i, c in enumerate(CAPACITIES) if (r := rate(rust, golang, workload, impl, c))]
            if len(points) > 1:
                d = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
                dash = ' stroke-dasharray="6 4"' if impl == "go" else ""
                svg.append(f'<polyline points="{d}" fill="none" stroke="{COLOURS[impl]}" stroke-width="2.5"{dash}/>')
                for px, py in points:
                    svg.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{COLOURS[impl]}"/>')
    for n, impl in enumerate(ALL):
        lx, ly = left + n * 180, height - 12
        svg.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 26}" y2="{ly - 4}" stroke="{COLOURS[impl]}" stroke-width="3"/>')
        svg.append(f'<text x="{lx + 32}" y="{ly}">{impl}</text>')
    svg.append("</svg>")
    open(path, "w").write("\n".join(s for s in svg if s) + "\n")


if __name__ == "__main__":
    criterion_dir, go_output, plot_path, machine, rustc, goversion, commit = sys.argv[1:8]
    rust, golang = criterion(criterion_dir), go(go_output)
    plot(rust, golang, plot_path)
    print(report(rust, golang, machine, rustc, goversion, commit))
