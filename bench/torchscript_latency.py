#!/usr/bin/python3
"""Batch-1 latency of one TorchScript file: `torch.jit.load` in Python against the same file run
through the workbench (bench_torchscript: StagedRunner on the imported candidate), side by side.

    /usr/bin/python3 bench/torchscript_latency.py --export build/dev/bench/cnn_m_script.pt \
        --cpp build/dev/bench/bench_torchscript [--rounds 9]

--export writes the model first (a TorchScript export of the zoo's cnn-m architecture for
1 x 28 x 28: conv 16 + BN + ReLU + max-pool, conv 32 + BN + ReLU + max-pool, linear 1568 -> 10).
Both sides run one intra-op thread, under inference mode, on the same input, and both end with
the predicted class (argmax read back), as a deployed run would. Rounds alternate Python and C++
so that both see the same machine load; the script prints each round, the medians and the median
of the per-round ratios (C++ / Python of the same round), the figure to trust on a shared machine. Needs
Debian's python3-torch (the same LibTorch 1.13 as the C++ build).
"""
import argparse
import json
import math
import statistics
import subprocess
import time

import torch
from torch import nn

torch.set_num_threads(1)


class CnnM(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).flatten(1))


def bench_image() -> torch.Tensor:
    """The input bench_torchscript.cpp uses: sin(0.21 i), 1 x 1 x 28 x 28."""
    return torch.tensor([math.sin(0.21 * i) for i in range(28 * 28)], dtype=torch.float32).reshape(1, 1, 28, 28)


def python_round(model, x: torch.Tensor, iterations: int) -> float:
    """Mean microseconds per inference over `iterations` back-to-back calls."""
    with torch.inference_mode():
        start = time.perf_counter_ns()
        for _ in range(iterations):
            int(model(x).argmax(dim=1)[0])
        return (time.perf_counter_ns() - start) / iterations / 1000.0


def cpp_round(binary: str, model_path: str, min_time: float) -> dict:
    """Mean microseconds per iteration of each bench_torchscript benchmark (one run), and the
    paired benchmark's overhead of StagedRunner over the raw C++ call, in per cent."""
    output = subprocess.run([binary, model_path, "--benchmark_format=json", f"--benchmark_min_time={min_time}"],
                            check=True, capture_output=True, text=True).stdout
    times = {}
    for entry in json.loads(output)["benchmarks"]:
        if "overhead_pct" in entry:
            times["paired overhead_pct"] = entry["overhead_pct"]
            continue
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[entry["time_unit"]]
        times[entry["name"]] = entry["real_time"] * scale
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", nargs="?", help="TorchScript file to time (default: the --export path)")
    parser.add_argument("--export", help="write the cnn-m TorchScript export here first")
    parser.add_argument("--cpp", help="bench_torchscript binary to run alternately with the Python rounds")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--iterations", type=int, default=1000, help="Python calls per round")
    parser.add_argument("--min-time", type=float, default=0.5, help="Google Benchmark seconds per benchmark")
    args = parser.parse_args()
    path = args.model or args.export
    if not path:
        parser.error("name a TorchScript file or --export PATH")
    if args.export:
        torch.manual_seed(1)
        torch.jit.script(CnnM().eval()).save(args.export)

    model = torch.jit.load(path)
    model.eval()
    x = bench_image()
    python_round(model, x, 200)  # warm-up: the profiling executor optimizes after its first runs

    python_us, cpp_us, ratios = [], {}, {}
    for round_index in range(args.rounds):
        python_us.append(python_round(model, x, args.iterations))
        line = f"round {round_index + 1}: python torch.jit.load {python_us[-1]:7.1f} us"
        if args.cpp:
            for name, value in cpp_round(args.cpp, path, args.min_time).items():
                cpp_us.setdefault(name, []).append(value)
                if name.endswith("overhead_pct"):
                    line += f" | {name} {value:+5.1f}"
                    continue
                # The ratio to the Python figure of the same round, so both saw the same load.
                ratios.setdefault(name, []).append(value / python_us[-1])
                line += f" | {name} {value:7.1f} us"
        print(line, flush=True)

    print(f"\nmedians over {args.rounds} rounds (threads: 1, batch 1, torch {torch.__version__})")
    print(f"  python torch.jit.load + forward + argmax  {statistics.median(python_us):7.1f} us")
    for name, values in cpp_us.items():
        if name.endswith("overhead_pct"):
            print(f"  StagedRunner over the raw C++ call, paired input by input: {statistics.median(values):+.1f} %")
            continue
        print(f"  {name:40s} {statistics.median(values):7.1f} us   "
              f"ratio to python in the same round: {statistics.median(ratios[name]):.2f}")

if __name__ == "__main__":
    main()
