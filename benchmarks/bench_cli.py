"""Benchmark: wall time of ``emergence list``, ``emergence --help`` and ``emergence constants``
beside ``python3 -c "import sympy"``, measured in one run, interleaved, in fresh processes.

Prints a markdown table (median and best of ``--repeat`` runs, and the ratio of each median to
that of ``import sympy``). Usage: python3 benchmarks/bench_cli.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

COMMANDS = {
    'python3 -c "import sympy"': [sys.executable, "-c", "import sympy"],
    "emergence list": [sys.executable, "-m", "derivations.cli", "list"],
    "emergence --help": [sys.executable, "-m", "derivations.cli", "--help"],
    "emergence constants (15 digits)": [sys.executable, "-m", "derivations.cli", "constants", "--alpha", "0.6",
                                        "--S", "1", "--r", "0.01", "--eta", "1"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):            # interleaved, so a load spike hits every command alike
        for name, argv in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times['python3 -c "import sympy"'])
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.repeat} interleaved runs each\n")
    print("| command | median (s) | best (s) | median / import sympy |")
    print("|---|---|---|---|")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| `{name}` | {med:.3f} | {min(values):.3f} | {med / base:.2f} |")


if __name__ == "__main__":
    main()
