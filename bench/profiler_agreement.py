#!/usr/bin/python3
"""The profiler's median latency for a TorchScript model against torch.utils.benchmark on the
same file, side by side (the issue asks for agreement within 5 %).

    /usr/bin/python3 bench/profiler_agreement.py --cli build/dev/app/alertwb-cli [--rounds 5]

Exports the cnn-m-shaped TorchScript model of bench/torchscript_latency.py, imports it into a
scratch store with `alertwb-cli models import`, then alternates rounds: `alertwb-cli profile`
on the emulated backend at its maximum cap (65 W: full speed, no stretching) and
`torch.utils.benchmark.Timer(...).blocked_autorange()` on the same file, both on one thread
under inference mode. Prints each round, then the median of the per-round ratios
(profiler / torch.utils.benchmark). Needs Debian's python3-torch.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import torch
import torch.utils.benchmark as benchmark

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchscript_latency import CnnM, bench_image  # noqa: E402

torch.set_num_threads(1)


def profiler_median_ms(cli: str, store: str, env: dict, reps: int) -> float:
    result = subprocess.run([cli, "profile", "--db", store, "--models", "agreement-cnn-m", "--caps", "65",
                             "--backend", "emulated", "--reps", str(reps), "--warmup", "50", "--eval-samples", "100",
                             "--json"], check=True, capture_output=True, text=True, env=env)
    cells = json.loads(result.stdout)["cells"]
    return cells[0]["latency_ms_median"]


def torch_benchmark_median_ms(model, x) -> float:
    timer = benchmark.Timer(stmt="with torch.inference_mode():\n    model(x)",
                            globals={"model": model, "x": x, "torch": torch}, num_threads=1)
    return timer.blocked_autorange(min_run_time=1.0).median * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "cnn_m.pt")
        torch.jit.script(CnnM().eval()).save(path)
        store = os.path.join(scratch, "store.sqlite")
        env = dict(os.environ, ALERTWB_STATE_DIR=os.path.join(scratch, "state"),
                   ALERTWB_RESOURCE_DIR=os.path.join(scratch, "no-shipped-zoo"))
        subprocess.run([args.cli, "models", "import", path, "--name", "agreement-cnn-m", "--input-shape", "1,1,28,28",
                        "--db", store], check=True, capture_output=True, text=True, env=env)
        model = torch.jit.load(path).eval()
        x = bench_image()
        ratios = []
        for round_index in range(args.rounds):
            ours = profiler_median_ms(args.cli, store, env, args.reps)
            theirs = torch_benchmark_median_ms(model, x)
            ratios.append(ours / theirs)
            print(f"round {round_index + 1}: profiler {ours * 1000:.1f} us, torch.utils.benchmark "
                  f"{theirs * 1000:.1f} us, ratio {ours / theirs:.3f}", flush=True)
        print(f"median ratio profiler / torch.utils.benchmark: {statistics.median(ratios):.3f} "
              f"({args.rounds} rounds)")


if __name__ == "__main__":
    main()
