#!/usr/bin/python3
"""The live-run acceptance of docs/live-runs.md: ALERT against the configuration that was best
without contention, on the shipped zoo, the emulated backend and real co-running load.

    /usr/bin/python3 bench/live_acceptance.py --cli build/dev/app/alertwb-cli [--rounds 2]

Profiles the shipped zoo into a scratch store (`alertwb-cli profile --backend emulated`, the
default sweep), then per round runs, one after the other,

    alertwb-cli run --goal max-accuracy --deadline-ms D --energy-budget-j E --inputs 3000 \
                    --contention memory@1000-2000 --controller C

for C = alert; static-oracle (the configuration best in hindsight over the profile with nothing
else running, fixed for the run); and fixed:MODEL@CAP, the configuration ALERT itself settled on
before contention in that round (its most frequent one over inputs 500-999): the configuration best
without contention as this machine runs it live. Exports each run's steps and reports, per run:
- the deadline-miss rate before (inputs 0-999), during (1000-1999) and after (2000-2999) contention;
- accuracy and energy per input over the run;
- the median observed slowdown ξ (measured latency over the profile's) in each phase;
- ALERT's ξ estimate: its median before and during contention, and how many inputs after the start
  (and after the end) of contention it first crosses the midpoint between the two medians.
Prints one Markdown table. Standard library only.
"""
import argparse
import collections
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile

PHASES = (("before", 0, 1000), ("during", 1000, 2000), ("after", 2000, 3000))


def run_cli(cli, args, env):
    result = subprocess.run([cli] + args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout


def steps_of(cli, store, run_id, env):
    text = run_cli(cli, ["export", "--db", store, "--table", "steps", "--run", str(run_id), "--format", "csv"], env)
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(rows))))


def miss_rate(steps, first, end):
    window = steps[first:end]
    return sum(1 for s in window if s["deadline_met"] in ("0", "false")) / len(window)


def first_crossing(xi, start, threshold, rising):
    for n in range(start, len(xi)):
        if (xi[n] > threshold) if rising else (xi[n] < threshold):
            return n - start
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--deadline-ms", type=float, default=8.0)
    parser.add_argument("--energy-budget-j", type=float, default=0.5)
    parser.add_argument("--contention", default="memory@1000-2000")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        store = os.path.join(scratch, "store.sqlite")
        env = dict(os.environ, ALERTWB_STATE_DIR=os.path.join(scratch, "state"))
        run_cli(args.cli, ["profile", "--db", store, "--backend", "emulated"], env)
        rows = []
        for round_index in range(args.rounds):
            controllers = ["alert", "static-oracle", None]
            for controller in controllers:
                if controller is None:  # the configuration ALERT settled on before contention
                    settled = collections.Counter((s["model"], s["power_cap_w"]) for s in alert_steps[500:1000])
                    model, cap = settled.most_common(1)[0][0]
                    controller = f"fixed:{model}@{float(cap):g}"
                summary = json.loads(run_cli(args.cli, [
                    "run", "--db", store, "--goal", "max-accuracy", "--deadline-ms", str(args.deadline_ms),
                    "--energy-budget-j", str(args.energy_budget_j), "--inputs", "3000", "--contention",
                    args.contention, "--controller", controller, "--seed", str(round_index + 1), "--json"], env))
                steps = steps_of(args.cli, store, summary["run"], env)
                if controller == "alert":
                    alert_steps = steps
                xi = [float(s["xi_mean"]) for s in steps]
                before = statistics.median(xi[500:1000])
                during = statistics.median(xi[1100:2000])
                middle = (before + during) / 2
                rise = first_crossing(xi, 1000, middle, rising=True)
                fall = first_crossing(xi, 2000, middle, rising=False)
                models = sorted({s["model"] for s in steps[1000:2000]})
                observed = [statistics.median(float(s["xi_observed"]) for s in steps[a:b]) for _, a, b in PHASES]
                rows.append((round_index + 1, controller, *(miss_rate(steps, a, b) for _, a, b in PHASES),
                             summary["accuracy"], summary["energy_j_per_input"], before, during, rise, fall,
                             ", ".join(models), observed))
                print(f"round {round_index + 1} {controller}: run {summary['run']}", file=sys.stderr)

    print("| round | controller | miss before | miss during | miss after | accuracy | J/input | ξ̂ before | ξ̂ during "
          "| ξ̂ rise lag (inputs) | ξ̂ return lag (inputs) | ξ observed before / during / after (median) "
          "| models during contention |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        lag = lambda v: "–" if v is None else str(v)  # noqa: E731
        print(f"| {r[0]} | {r[1]} | {r[2]:.1%} | {r[3]:.1%} | {r[4]:.1%} | {r[5]:.1%} | {r[6]:.4f} | {r[7]:.3f} "
              f"| {r[8]:.3f} | {lag(r[9])} | {lag(r[10])} | {' / '.join(f'{x:.2f}' for x in r[12])} | {r[11]} |")


if __name__ == "__main__":
    main()
