#!/usr/bin/python3
"""Writes the TorchScript fixtures of the import tests into this folder, with expected.json:
what an independent count (forward hooks here, not the workbench's op counter) and an
independent evaluation (this script, through torch.jit.load of the written file) say about them.

    /usr/bin/python3 tests/data/torchscript/make_fixtures.py

Needs Debian's python3-torch and dataset-fashion-mnist; the C++ tests only read the results.
The good Fashion-MNIST fixtures are trained briefly so that their accuracy (about 70-80 %) tells
a correct input normalization from a wrong one.
"""
import json
import os
import sys
from typing import Dict, List, Tuple

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "docs", "examples"))
import export_anytime  # noqa: E402  (the documented example is the anytime fixture)

torch.set_num_threads(1)


class SmallCnn(nn.Module):
    """Plain Fashion-MNIST classifier: conv 8, pool, conv 16, pool, linear."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).flatten(1))

    # Same names as the anytime convention, so the training helper can drive it.
    def num_outputs(self) -> int:
        return 1

    def forward_stage(self, k: int, state: List[torch.Tensor]) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        return self.forward(state[0]), []


class RgbCnn(nn.Module):
    """3 x 64 x 64 input, 5 classes: not Fashion-MNIST, so imported without accuracy."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 5, stride=2)
        self.fc = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))


class FeatureMap(nn.Module):
    """Returns a 4-D feature map instead of logits."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class TupleOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 10)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        logits = self.fc(x.mean(dim=(2, 3)))
        return logits, logits


class PoisonedLogits(nn.Module):
    """Adds NaN or +Inf to otherwise good logits."""

    def __init__(self, poison: float):
        super().__init__()
        self.fc = nn.Linear(1, 10)
        self.poison = poison

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.mean(dim=(2, 3))) + self.poison


class BadStage(nn.Module):
    """Has both convention methods, but forward_stage returns logits only (no state)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 10)

    @torch.jit.export
    def num_outputs(self) -> int:
        return 2

    @torch.jit.export
    def forward_stage(self, k: int, state: List[torch.Tensor]) -> torch.Tensor:
        return self.fc(state[0].mean(dim=(2, 3)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.mean(dim=(2, 3)))


def counted_costs(model: nn.Module, shape: List[int], stages: int) -> Tuple[List[int], List[int]]:
    """Cumulative MACs (conv and linear layers, per image) and parameters per output, counted
    with forward hooks on the eager model, and cumulative parameters of the modules each output
    runs."""
    macs = [0]
    touched: Dict[int, nn.Parameter] = {}

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            per_output = module.weight.numel() // module.weight.shape[0]
            macs[0] += output.numel() * per_output // output.shape[0]
        elif isinstance(module, nn.Linear):
            macs[0] += output.numel() * module.in_features // output.shape[0]
        for parameter in module.parameters(recurse=False):
            touched[id(parameter)] = parameter

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    cumulative_macs, cumulative_parameters = [], []
    with torch.no_grad():
        state = [torch.zeros(shape)]
        for k in range(stages):
            _, state = model.forward_stage(k, state)
            cumulative_macs.append(macs[0])
            cumulative_parameters.append(sum(p.numel() for p in touched.values()))
    for handle in handles:
        handle.remove()
    return cumulative_macs, cumulative_parameters


def evaluate(path: str, anytime: bool) -> List[float]:
    """Test accuracy of every output of the written file, as the workbench should find it."""
    model = torch.jit.load(path)
    x, y = export_anytime.fashion_mnist("test")
    hits = None
    with torch.inference_mode():
        for begin in range(0, len(y), 1000):
            batch = x[begin: begin + 1000]
            outputs = export_anytime.stage_logits(model, batch) if anytime else [model(batch)]
            correct = [(logits.argmax(dim=1) == y[begin: begin + 1000]).sum().item() for logits in outputs]
            hits = correct if hits is None else [a + b for a, b in zip(hits, correct)]
    return [h / len(y) for h in hits]


def main() -> None:
    expected = {}

    torch.manual_seed(11)
    plain = SmallCnn()
    export_anytime.train(plain, epochs=1, images=12000, seed=11)
    macs, parameters = counted_costs(plain, [1, 1, 28, 28], 1)
    torch.jit.script(plain).save(os.path.join(HERE, "plain_fmnist.pt"))
    expected["plain_fmnist"] = {"macs": macs, "parameters": parameters, "classes": 10,
                                "total_parameters": sum(p.numel() for p in plain.parameters()),
                                "accuracy": evaluate(os.path.join(HERE, "plain_fmnist.pt"), False)}

    torch.manual_seed(12)
    anytime = export_anytime.AnytimeCnn()
    export_anytime.train(anytime, epochs=1, images=12000, seed=12)
    macs, parameters = counted_costs(anytime, [1, 1, 28, 28], anytime.num_outputs())
    torch.jit.script(anytime).save(os.path.join(HERE, "anytime_fmnist.pt"))
    expected["anytime_fmnist"] = {"macs": macs, "parameters": parameters, "classes": 10,
                                  "total_parameters": sum(p.numel() for p in anytime.parameters()),
                                  "accuracy": evaluate(os.path.join(HERE, "anytime_fmnist.pt"), True)}

    # Traced rather than scripted, to cover the other way users export.
    torch.manual_seed(13)
    rgb = RgbCnn().eval()
    example = torch.randn(1, 3, 64, 64)
    torch.jit.trace(rgb, example).save(os.path.join(HERE, "rgb64_traced.pt"))
    conv_macs = 30 * 30 * 6 * 3 * 5 * 5  # 64 -> 30 with kernel 5, stride 2
    expected["rgb64_traced"] = {"macs": [conv_macs + 6 * 5], "classes": 5,
                                "total_parameters": sum(p.numel() for p in rgb.parameters())}

    torch.manual_seed(14)
    torch.save(SmallCnn().state_dict(), os.path.join(HERE, "state_dict.pt"))  # a pickle, not TorchScript
    torch.jit.script(FeatureMap().eval()).save(os.path.join(HERE, "feature_map.pt"))
    torch.jit.script(TupleOutput().eval()).save(os.path.join(HERE, "tuple_output.pt"))
    torch.jit.script(PoisonedLogits(float("nan")).eval()).save(os.path.join(HERE, "nan_logits.pt"))
    torch.jit.script(PoisonedLogits(float("inf")).eval()).save(os.path.join(HERE, "inf_logits.pt"))
    torch.jit.script(BadStage().eval()).save(os.path.join(HERE, "bad_stage.pt"))

    with open(os.path.join(HERE, "expected.json"), "w") as stream:
        json.dump(expected, stream, indent=2, sort_keys=True)
        stream.write("\n")


if __name__ == "__main__":
    main()
