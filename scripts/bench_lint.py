"""Benchmark `tickpy lint` as CI runs it: whole processes, started from the command line.

Prints
- the cold time of `tickpy lint` on one 40-line script (a new Python process each time; median of 5,
  after one untimed run so that the parser cache exists, as it does on any machine that ran tickpy once);
- lines per second when one `tickpy lint` call checks 1,000 such scripts.

Targets (issue 2): cold run under 250 ms; 1,000 scripts under 3 s.

    python scripts/bench_lint.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET_S = 0.250
BULK_TARGET_S = 3.0
BULK_FILES = 1000

SCRIPT = """// CPU alert for {name}: a typical 40-line TICKscript
var db = 'telegraf'
var rp = 'autogen'
var measurement = '{name}'
var groupBy = ['host', 'cpu']
var whereFilter = lambda: ("cpu" == 'cpu-total') AND ("host" != 'test')
var period = 1m
var every = 30s
var name = '{name} usage'
var idVar = name + ':{{{{.Group}}}}'
var message = '{{{{ .ID }}}} is {{{{ .Level }}}} value: {{{{ index .Fields "value" }}}}'
var crit = {threshold}
var warn = {threshold_warn}

var data = stream
    |from()
        .database(db)
        .retentionPolicy(rp)
        .measurement(measurement)
        .groupBy(groupBy)
        .where(whereFilter)
    |window()
        .period(period)
        .every(every)
        .align()
    |mean('usage_user')
        .as('value')

data
    |alert()
        .crit(lambda: "value" > crit)
        .warn(lambda: "value" > warn)
        .message(message)
        .id(idVar)
        .idTag('alertID')
        .levelTag('level')
        .durationField('duration')
        .stateChangesOnly()
        .pushover()
        .title('CPU')
"""


def make_script(index: int) -> str:
    return SCRIPT.format(name=f"cpu{index}", threshold=80 + index % 10,
                         threshold_warn=60 + index % 10)


def tickpy_command() -> list[str]:
    return [sys.executable, "-m", "tickpy", "lint"]


def run(args: list[str], cwd: Path) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    result = subprocess.run(tickpy_command() + args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or "error:" in result.stdout:
        raise SystemExit(f"tickpy lint failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tickpy-bench-lint-") as tmp:
        folder = Path(tmp)
        one = folder / "one.tick"
        one.write_text(make_script(0), encoding="utf-8")
        line_count = make_script(0).count("\n")

        run([one.name], folder)  # untimed: builds the parser cache if this machine has none yet
        cold = [run([one.name], folder) for _ in range(5)]
        cold_median = statistics.median(cold)

        names = []
        total_lines = 0
        for i in range(BULK_FILES):
            text = make_script(i)
            path = folder / f"script{i:04d}.tick"
            path.write_text(text, encoding="utf-8")
            names.append(path.name)
            total_lines += text.count("\n")
        bulk = run(names, folder)

    def verdict(value: float, target: float) -> str:
        return "ok" if value < target else "OVER TARGET"

    print(f"cold `tickpy lint` of one {line_count}-line script: median {cold_median * 1000:.0f} ms "
          f"of 5 (min {min(cold) * 1000:.0f}, max {max(cold) * 1000:.0f}); "
          f"target < {COLD_TARGET_S * 1000:.0f} ms: {verdict(cold_median, COLD_TARGET_S)}")
    print(f"{BULK_FILES} scripts ({total_lines} lines) in one call: {bulk:.2f} s, "
          f"{total_lines / bulk:,.0f} lines/s; target < {BULK_TARGET_S:.0f} s: {verdict(bulk, BULK_TARGET_S)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
