"""Write a line protocol file of CPU points for benchmarks and demos.

Every round writes one point per host, all rounds one second apart:

    cpu,host=host07 usage_idle=83.41,usage_user=11.27,usage_system=5.32 1700000000000000000

The values come from a seeded random generator, so the same arguments always give the same file.
Each host idles around its own level; now and then a host gets busy for a few rounds and its
`usage_idle` drops below 10, which is what the example alerts (`"usage_idle" < 10`) look for.

    python scripts/gen_points.py --points 1000000 --out data.lp
"""

from __future__ import annotations

import argparse
import random
import sys

FIRST_TIME_NS = 1_700_000_000 * 1_000_000_000  # 2023-11-14T22:13:20Z, a round, recent instant
ROUND_NS = 1_000_000_000                        # one second between rounds
BUSY_CHANCE = 0.01                              # chance per host per round that a busy spell starts
BUSY_ROUNDS = (3, 12)                           # how long a busy spell lasts, in rounds


def generate(path, n_points: int = 1_000_000, hosts: int = 50,
             fields=("usage_idle", "usage_user", "usage_system"), seed: int = 1) -> int:
    """Write `n_points` lines to `path` (a file name, or `-` for stdout) and return the count.

    `fields` names the fields of each point. The first is the idle percentage, the others share
    the rest of the CPU (they do not always add up to 100 exactly after rounding).
    """
    if n_points < 0 or hosts < 1 or not fields:
        raise ValueError("need n_points >= 0, hosts >= 1 and at least one field")
    rng = random.Random(seed)
    width = len(str(hosts - 1)) if hosts > 1 else 1
    width = max(width, 2)
    names = [f"host{h:0{width}d}" for h in range(hosts)]
    usual_idle = [rng.uniform(40.0, 95.0) for _ in range(hosts)]
    busy_left = [0] * hosts
    other_fields = fields[1:]

    out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="\n")
    try:
        written = 0
        round_no = 0
        chunk = []
        while written < n_points:
            stamp = FIRST_TIME_NS + round_no * ROUND_NS
            for h in range(hosts):
                if written >= n_points:
                    break
                if busy_left[h] == 0 and rng.random() < BUSY_CHANCE:
                    busy_left[h] = rng.randint(*BUSY_ROUNDS)
                if busy_left[h]:
                    busy_left[h] -= 1
                    idle = rng.uniform(0.5, 12.0)
                else:
                    idle = min(99.9, max(12.0, rng.gauss(usual_idle[h], 4.0)))
                values = [f"{fields[0]}={idle:.2f}"]
                rest = 100.0 - idle
                for i, name in enumerate(other_fields):
                    share = rest * (0.7 if i == 0 else 0.3 / max(1, len(other_fields) - 1))
                    values.append(f"{name}={share:.2f}")
                chunk.append(f"cpu,host={names[h]} {','.join(values)} {stamp}\n")
                written += 1
            round_no += 1
            if len(chunk) >= 10_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
        return written
    finally:
        if out is not sys.stdout:
            out.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="number of lines to write")
    parser.add_argument("--hosts", type=int, default=50, help="number of distinct hosts")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same file)")
    parser.add_argument("--out", default="-", help="output file, or - for stdout (the default)")
    args = parser.parse_args(argv)
    try:
        count = generate(args.out, args.points, args.hosts, seed=args.seed)
    except (OSError, ValueError) as err:
        print(f"gen_points: {err}", file=sys.stderr)
        return 1
    if args.out != "-":
        print(f"wrote {count} points to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
