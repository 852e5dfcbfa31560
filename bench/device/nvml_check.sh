#!/bin/sh
# Builds bench/device/nvml_check.cpp from the NVML backend's sources and runs it on this
# machine's GPU 0 twice: idle, then under a matrix-multiply load from PyTorch (when python3 has
# torch with CUDA). Needs g++ (C++20) and an NVIDIA driver; nothing else from the workbench.
set -eu
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp}
g++ -std=c++20 -O2 -I. -o "$out/nvml_check" bench/device/nvml_check.cpp \
    core/power/nvml_backend.cpp core/power/nvml_probe.cpp core/power/power_backend.cpp -ldl
nvidia-smi --query-gpu=name,driver_version,power.limit,power.min_limit,power.max_limit,power.draw --format=csv || true
echo "== idle"
"$out/nvml_check" /nonexistent
flag=/tmp/gpu-load-running
python3 - <<'PY' &
import os, time, torch
x = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
open("/tmp/gpu-load-running", "w").close()
end = time.time() + 25
while time.time() < end:
    for _ in range(20):
        y = x @ x
    torch.cuda.synchronize()
os.remove("/tmp/gpu-load-running")
PY
load=$!
for i in $(seq 1 100); do [ -e $flag ] && break; sleep 0.2; done
echo "== under load"
"$out/nvml_check" $flag
wait $load || true
nvidia-smi --query-gpu=power.limit --format=csv || true
