"""Replay throughput: tickpy against a bare Python loop over the same file.

    python scripts/bench_replay.py [--points 1000000] [--repeat 3]

Generates N points (50 hosts, 3 fields; scripts/gen_points.py), then times, in this process:

1. a bare loop that only reads each line, splits it and compares usage_idle with 10;
2. tickpy replaying `stream|from().measurement('cpu').groupBy('host')|alert()
   .crit(lambda: "usage_idle" < 10).stateChangesOnly().log(...)`;
3. `window().period(1m).every(1m) | mean('usage_idle') | alert()` over the same points (per host:
   a window of 60 points a minute, one mean each);
4. the floor under both: `stream|from().measurement('cpu')` alone (reading and routing points);
5. a ceiling for any replay in Python: one hand-written loop that does the least a faithful
   replay of the alert script must do per line (split off the series key and timestamp, convert
   every field, since a line with any bad field is refused, keep each host's state and compare),
   without nodes, points or events.

and prints points per second for each and the ratio to the bare loop (targets: 0.5 for 2, 0.4
for 3); the floor's ratio bounds what any pipeline can reach, and the ceiling's what any
engine written in Python could reach. Peak memory (max RSS) is printed after each step: it
must not grow with the file, since points are streamed. Each step runs `--repeat` times and its
fastest run counts, so a busy machine disturbs the ratios less. Figures, not assertions: run it
before and after engine changes.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from gen_points import generate  # noqa: E402

ALERT_SCRIPT = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .crit(lambda: "usage_idle" < 10)
        .stateChangesOnly()
        .log('{log}')
"""

WINDOW_SCRIPT = """stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |window()
        .period(1m)
        .every(1m)
    |mean('usage_idle')
    |alert()
        .crit(lambda: "mean" < 10)
        .log('{log}')
"""

FLOOR_SCRIPT = """stream
    |from()
        .measurement('cpu')
"""


def bare_loop(path: str) -> int:
    """Read, split, compare: the least any replay has to do."""
    alerts = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            _series, fields, _time = line.split(" ")
            idle = fields.split(",")[0].split("=")[1]
            if float(idle) < 10:
                alerts += 1
    return alerts


def fused_minimum(path: str) -> int:
    """The alert script written out by hand for this file's shape: what no engine can beat."""
    changes = 0
    critical_hosts: dict[str, bool] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            series, fields, stamp = line.split(" ")
            values = {}
            for pair in fields.split(","):
                key, value = pair.split("=")
                values[key] = float(value)
            int(stamp)
            critical = values["usage_idle"] < 10
            if critical_hosts.get(series) != critical:
                critical_hosts[series] = critical
                changes += 1
    return changes


def tickpy_replay(path: str, script: str) -> int:
    from tickpy.lang.parser import parse
    from tickpy.pipeline.build import build_task
    from tickpy.replay import replay
    from tickpy.services import Services

    services = Services(out=open(os.devnull, "w"))
    task = build_task(parse(script), "bench", services)
    replay(path, [task], services)
    return services.report.points_read


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, points: int, repeat: int, function, *args) -> float:
    seconds = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        seconds = min(seconds, time.perf_counter() - started)
    rate = points / seconds
    print(f"{label:<34} {rate:>12,.0f} points/s   ({seconds:.2f} s, peak RSS {peak_memory_mb():.0f} MB)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = os.path.join(folder, "data.lp")
        log = os.path.join(folder, "alerts.log")
        generate(data, args.points, hosts=50)
        print(f"{args.points:,} points, 50 hosts, 3 fields")
        points, repeat = args.points, args.repeat
        bare = timed("bare loop (read, split, compare)", points, repeat, bare_loop, data)
        alert = timed("tickpy from|alert", points, repeat, tickpy_replay, data,
                      ALERT_SCRIPT.format(log=log))
        print(f"ratio tickpy / bare loop: {alert / bare:.2f} (target 0.5)")
        window = timed("tickpy window|mean|alert", points, repeat, tickpy_replay, data,
                       WINDOW_SCRIPT.format(log=log))
        print(f"ratio window pipeline / bare loop: {window / bare:.2f} (target 0.4)")
        floor = timed("tickpy from (read and route only)", points, repeat, tickpy_replay, data,
                      FLOOR_SCRIPT)
        print(f"ratio floor / bare loop: {floor / bare:.2f} (no pipeline can do better)")
        ceiling = timed("hand-written alert loop (ceiling)", points, repeat, fused_minimum, data)
        print(f"ratio ceiling / bare loop: {ceiling / bare:.2f} (no Python engine can do better)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
