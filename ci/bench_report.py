"""One report, and one plot, from several runs of the Rust and the Go benchmarks.

Reads, from the directory ci/bench-compare.sh fills: criterion's results of each run
(criterion-K/**/new/{benchmark,estimates}.json: the median time per iteration, the elements per
iteration), what each Rust run printed (rust-K.txt: the select/default runs' delivered and
dropped counts), and `go test -bench -count N` output (go.txt: the msgs/s, events/s,
dropped/run and ns/wakeup metrics of benches/go). Prints a Markdown report: the machine, the
versions and the commit; every figure as the median of the runs with its spread (min–max);
every ratio pleg/peer taken run by run (run K of Rust against run K of Go) and shown the same
way; the targets of docs/benchmarks.md with the worst ratio beside the best. Also writes an SVG
plot of the medians: throughput against capacity, one line per implementation, Go included.

Usage: bench_report.py DIR RUNS PLOT.svg MACHINE_LINE RUSTC_VERSION GO_VERSION COMMIT
"""
import glob
import json
import math
import os
import re
import statistics
import sys

CAPACITIES = [1, 16, 1000]
BURSTS = [100, 1000, 1001, 5000]
RUST = ["pleg-std", "pleg-parking_lot", "std-sync_channel", "crossbeam-bounded"]
ALL = RUST + ["go"]
COLOURS = {"pleg-std": "#1f5fbf", "pleg-parking_lot": "#6a3fb5", "std-sync_channel": "#9aa1ad",
           "crossbeam-bounded": "#1e7d32", "go": "#c0392b"}
WORKLOADS = [("send", "Blocking send (`ch <- v`), one producer, one consumer"),
             ("try_send-drop", "Select/default (`try_send`, drop when full), one producer"),
             ("two-producers", "Two producers into one channel, blocking send")]
WAKERS = ["pleg-std", "std-condvar", "crossbeam-bounded", "go"]


# --- reading ---------------------------------------------------------------------------------

def criterion(root):
    """{full_id: elements per second, or seconds per iteration when there are no elements}."""
    figures = {}
    for path in glob.glob(os.path.join(root, "**", "new", "benchmark.json"), recursive=True):
        bench = json.load(open(path))
        estimates = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))
        seconds = estimates["median"]["point_estimate"] * 1e-9
        elements = (bench.get("throughput") or {}).get("Elements")
        figures[bench["full_id"]] = elements / seconds if elements else seconds
    return figures


def drops(path):
    """{(impl, capacity): (delivered, dropped)} from a Rust run's printed lines."""
    found = {}
    for line in open(path):
        m = re.match(r"channel/spsc/try_send-drop/(\S+)/(\d+): delivered (\d+) dropped (\d+)", line)
        if m:
            found[(m.group(1), int(m.group(2)))] = (int(m.group(3)), int(m.group(4)))
    return found


def go(path, runs):
    """[{benchmark name without the GOMAXPROCS suffix: {unit: value}}], one dict per run: the
    K-th line of each benchmark is run K."""
    seen = {}
    out = [dict() for _ in range(runs)]
    for line in open(path):
        m = re.match(r"Benchmark(\S+?)(-\d+)?\s+\d+\s+(.*)$", line)
        if not m:
            continue
        name, k = m.group(1), seen.get(m.group(1), 0)
        seen[name] = k + 1
        if k < runs:
            out[k][name] = {unit: float(v) for v, unit in re.findall(r"([\d.e+]+) (\S+)", m.group(3))}
    return out


# --- one run's figures -----------------------------------------------------------------------

def rate(rust, golang, workload, impl, capacity):
    if impl == "go":
        key = {"send": f"SPSC/send/go/{capacity}", "try_send-drop": f"SPSC/try_send-drop/go/{capacity}",
               "two-producers": f"TwoProducers/go/{capacity}"}[workload]
        return golang.get(key, {}).get("msgs/s")
    group = {"send": "channel/spsc/send", "try_send-drop": "channel/spsc/try_send-drop",
             "two-producers": "channel/mpsc/two-producers"}[workload]
    return rust.get(f"{group}/{impl}/{capacity}")


def burst(rust, golang, consumer, policy, n, impl):
    if impl == "go":
        return golang.get(f"RelistBurst/{consumer}/{policy}/{n}", {}).get("events/s")
    return rust.get(f"relist/burst/{consumer}/{policy}/{n}")


def wakeup(rust, golang, impl):
    """Seconds from a slot freeing to the asleep sender's send returning."""
    if impl == "go":
        ns = golang.get("Wakeup", {}).get("ns/wakeup")
        return None if ns is None else ns * 1e-9
    return rust.get(f"wakeup/asleep-sender/{impl}")


# --- across runs -----------------------------------------------------------------------------

class Runs:
    """The same figure in every run: its median and spread, and ratios taken run by run."""

    def __init__(self, rust_runs, go_runs):
        self.pairs = list(zip(rust_runs, go_runs))

    def each(self, figure):
        values = [figure(r, g) for r, g in self.pairs]
        return [v for v in values if v is not None]

    def ratios(self, a, b):
        return self.each(lambda r, g: None if a(r, g) is None or not b(r, g) else a(r, g) / b(r, g))


def spread(values, unit=1.0, digits=2):
    if not values:
        return "—"
    med = statistics.median(values) / unit
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(values) / unit:.{digits}f}–{max(values) / unit:.{digits}f})"


def median(values):
    return statistics.median(values) if values else None


# --- the report ------------------------------------------------------------------------------

def throughput_tables(runs, dropped):
    out = []
    for workload, title in WORKLOADS:
        out += [f"**{title}** — million messages per second (10,000 per run), median (min–max):", ""]
        head = ["capacity"] + ALL + ["pleg-std / Go", "pleg-std / crossbeam"]
        if workload == "try_send-drop":
            head += ["pleg-std delivered / dropped", "Go delivered / dropped"]
        out += ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
        for c in CAPACITIES:
            figure = {i: (lambda r, g, i=i: rate(r, g, workload, i, c)) for i in ALL}
            cells = [str(c)] + [spread(runs.each(figure[i]), 1e6) for i in ALL]
            cells += [spread(runs.ratios(figure["pleg-std"], figure["go"])),
                      spread(runs.ratios(figure["pleg-std"], figure["crossbeam-bounded"]))]
            if workload == "try_send-drop":
                cells += [dropped.get(("pleg-std", c), "—"), go_drops(runs, c)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return out


def go_drops(runs, c):
    d = median(runs.each(lambda r, g: g.get(f"SPSC/try_send-drop/go/{c}", {}).get("dropped/run")))
    return "—" if d is None else f"{10_000 - round(d):,} / {round(d):,}"


def cost_table(runs):
    """Blocking send's cost per message, in cache-line hand-offs between the cores."""
    hop = median(runs.each(lambda r, g: r.get("handoff/ping-pong")))
    if not hop:
        return []
    out = [f"One cache-line hand-off between the two cores (handoff/ping-pong): **{1e9 / hop:.1f} ns** "
           "(median). Blocking send's cost per message, in such hand-offs (medians):", "",
           "| capacity | " + " | ".join(ALL) + " |", "|---:|" + "---:|" * len(ALL)]
    for c in CAPACITIES:
        cells = []
        for i in ALL:
            r = median(runs.each(lambda rr, g, i=i: rate(rr, g, "send", i, c)))
            cells.append("—" if r is None else f"{hop / r:.2f}")
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    return out + [""]


def burst_table(runs):
    out = ["**relist bursts into capacity 1000** — million events per second until relist has sent "
           "or dropped its last one, median (min–max):", "",
           "| syncLoop | policy | burst | pleg-std | go | pleg-std / Go |", "|---|---|---:|---:|---:|---:|"]
    for consumer in ["fast-syncLoop", "slow-syncLoop"]:
        for policy in ["blocking", "drop-when-full"]:
            for n in BURSTS:
                p = lambda r, g: burst(r, g, consumer, policy, n, "pleg-std")
                q = lambda r, g: burst(r, g, consumer, policy, n, "go")
                out.append(f"| {consumer} | {policy} | {n} | {spread(runs.each(p), 1e6)} | "
                           f"{spread(runs.each(q), 1e6)} | {spread(runs.ratios(p, q))} |")
    return out + [""]


def wakeup_table(runs):
    out = ["**Wake-up of a sender asleep on a full channel** — microseconds from the slot freeing to "
           "its send returning, median (min–max); `std-condvar` is one futex wake-up, the floor:", "",
           "| " + " | ".join(WAKERS) + " |", "|" + "---:|" * len(WAKERS),
           "| " + " | ".join(spread(runs.each(lambda r, g, i=i: wakeup(r, g, i)), 1e-6) for i in WAKERS) + " |"]
    return out + [""]


def targets(runs):
    """The issue's targets, each with the run-by-run ratios it rests on; the worst beside the best."""
    vs_go, vs_crossbeam = [], []
    for workload, _ in WORKLOADS:
        for c in CAPACITIES:
            p = lambda r, g: rate(r, g, workload, "pleg-std", c)
            vs_go.append((median(runs.ratios(p, lambda r, g: rate(r, g, workload, "go", c))), f"{workload}, capacity {c}"))
            vs_crossbeam.append((median(runs.ratios(p, lambda r, g: rate(r, g, workload, "crossbeam-bounded", c))),
                                 f"{workload}, capacity {c}"))
    vs_go = sorted(x for x in vs_go if x[0] is not None)
    vs_crossbeam = sorted(x for x in vs_crossbeam if x[0] is not None)
    cliff = runs.ratios(lambda r, g: burst(r, g, "slow-syncLoop", "blocking", 1000, "pleg-std"),
                        lambda r, g: burst(r, g, "slow-syncLoop", "blocking", 1001, "pleg-std"))
    cliff_go = runs.ratios(lambda r, g: burst(r, g, "slow-syncLoop", "blocking", 1001, "pleg-std"),
                           lambda r, g: burst(r, g, "slow-syncLoop", "blocking", 1001, "go"))
    out = ["**The targets** (medians of the run-by-run ratios):", ""]
    if vs_go:
        out.append(f"- pleg-std against Go's channel: best {vs_go[-1][0]:.2f}× ({vs_go[-1][1]}), "
                   f"worst {vs_go[0][0]:.2f}× ({vs_go[0][1]}).")
    if vs_crossbeam:
        out.append(f"- pleg-std against crossbeam: best {vs_crossbeam[-1][0]:.2f}× ({vs_crossbeam[-1][1]}), "
                   f"worst {vs_crossbeam[0][0]:.2f}× ({vs_crossbeam[0][1]}).")
    if cliff:
        out.append(f"- The cliff (slow syncLoop, blocking): a burst of 1001 takes {spread(cliff)}× the time "
                   f"per event of a burst of 1000 (target ≤ 2), at {spread(cliff_go)}× Go's rate (target ≥ 0.5).")
    return out + [""]


def report(runs, dropped, n, machine, rustc, goversion, commit):
    out = [f"Machine: {machine}. {rustc}; {goversion}; commit {commit}. {n} runs of each benchmark "
           "(criterion for Rust, `go test -bench -count` for Go); every figure is the median of the runs "
           "with the slowest and fastest run beside it.", ""]
    out += targets(runs) + throughput_tables(runs, dropped) + cost_table(runs)
    out += burst_table(runs) + wakeup_table(runs)
    return "\n".join(out)


# --- the plot --------------------------------------------------------------------------------

def plot(runs, path):
    """Median throughput against capacity, one line per implementation: blocking send and select/default."""
    med = {(w, i, c): median(runs.each(lambda r, g, w=w, i=i, c=c: rate(r, g, w, i, c)))
           for w in ("send", "try_send-drop") for i in ALL for c in CAPACITIES}
    width, height, left, top, panel_w, panel_h, gap = 980, 460, 70, 50, 380, 320, 110
    top_rate = max(r for r in med.values() if r) / 1e6
    y_max = 10 ** math.ceil(math.log10(top_rate))
    y_min = y_max / 10 ** 5

    def y(r):
        v = min(max(r / 1e6, y_min), y_max)
        return top + panel_h * (1 - (math.log10(v) - math.log10(y_min)) / (math.log10(y_max) - math.log10(y_min)))

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="#fff"/>']
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
            points = [(x(i), y(r)) for i, c in enumerate(CAPACITIES) if (r := med[(workload, impl, c)])]
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
    open(path, "w").write("\n".join(svg) + "\n")


if __name__ == "__main__":
    directory, n, plot_path, machine, rustc, goversion, commit = sys.argv[1:8]
    n = int(n)
    rust_runs = [criterion(os.path.join(directory, f"criterion-{k}")) for k in range(1, n + 1)]
    runs = Runs(rust_runs, go(os.path.join(directory, "go.txt"), n))
    found = drops(os.path.join(directory, "rust-1.txt"))
    dropped = {key: f"{d:,} / {x:,}" for key, (d, x) in found.items()}
    plot(runs, plot_path)
    print(report(runs, dropped, n, machine, rustc, goversion, commit))
