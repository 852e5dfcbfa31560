#!/usr/bin/python3
"""Exports an anytime (early-exit) CNN for Fashion-MNIST as TorchScript in the form that
`alertwb-cli models import FILE.pt --anytime` accepts (docs/torchscript-import.md).

The convention, in short: the scripted module exports

    num_outputs(self) -> int
    forward_stage(self, k: int, state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]

The workbench calls forward_stage(0, [x]), forward_stage(1, state0), ... in order, passing each
call the state the previous one returned, and reads each call's first result as output k's
logits (batch x classes). A stage therefore runs only its new layers and reuses whatever the
earlier stages left in the state.

    /usr/bin/python3 docs/examples/export_anytime.py anytime.pt [--epochs 1]
    alertwb-cli models import anytime.pt --name my-anytime --input-shape 1,1,28,28 --anytime

Needs Debian's python3-torch (and dataset-fashion-mnist to train).
"""
import argparse
import gzip
import os
from typing import List, Tuple

import numpy as np
import torch
from torch import nn

# The normalization the workbench applies to Fashion-MNIST pixels before they reach an imported
# model (core/models/fashion_mnist.h): x = (pixel / 255 - mean) / std.
FASHION_MNIST_MEAN = 0.2860
FASHION_MNIST_STD = 0.3530


class Stage(nn.Module):
    """The new layers of one stage: a conv block on the previous stage's features, and a head."""

    def __init__(self, in_channels: int, out_channels: int, stride: int, classes: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
        )
        self.head = nn.Linear(out_channels, classes)

    def forward(self, features: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        features = self.block(features)
        return self.head(features.mean(dim=(2, 3))), features


class AnytimeCnn(nn.Module):
    """Stage k adds one conv block after the features of stage k-1 and its own classifier."""

    def __init__(self, in_channels: int = 1, widths=(8, 16, 32), classes: int = 10):
        super().__init__()
        stages = []
        channels = in_channels
        for index, width in enumerate(widths):
            stages.append(Stage(channels, width, stride=1 if index == 0 else 2, classes=classes))
            channels = width
        self.stages = nn.ModuleList(stages)

    @torch.jit.export
    def num_outputs(self) -> int:
        return len(self.stages)

    @torch.jit.export
    def forward_stage(self, k: int, state: List[torch.Tensor]) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        # state is [input] for k = 0, then [features of stage k - 1]: only stage k's layers run.
        features = state[0]
        logits = torch.empty(0)
        for index, stage in enumerate(self.stages):  # TorchScript indexes module lists by constants only
            if index == k:
                logits, features = stage(features)
        return logits, [features]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The last output, so the file also serves as a plain classifier elsewhere."""
        state = [x]
        logits = torch.empty(0)
        for k in range(self.num_outputs()):
            logits, state = self.forward_stage(k, state)
        return logits


def read_idx(path: str) -> np.ndarray:
    """An IDX file of Fashion-MNIST (path.gz, or the plain file when no .gz exists)."""
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if opener is gzip.open else path, "rb") as stream:
        data = stream.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist(split: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """Normalized images (N x 1 x 28 x 28) and labels of the train or test split."""
    folder = os.environ.get("ALERTWB_FASHION_MNIST_DIR") or "/usr/share/datasets/fashion-mnist"
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte"))
    labels = read_idx(os.path.join(folder, prefix + "-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - FASHION_MNIST_MEAN) / FASHION_MNIST_STD, torch.from_numpy(labels.astype(np.int64))


def stage_logits(model: nn.Module, x: torch.Tensor) -> List[torch.Tensor]:
    """Every output's logits through the convention, the way the workbench runs them."""
    outputs = []
    state = [x]
    for k in range(model.num_outputs()):
        logits, state = model.forward_stage(k, state)
        outputs.append(logits)
    return outputs


def train(model: nn.Module, epochs: int, images: int, seed: int) -> None:
    """Summed cross-entropy over every output, SGD with momentum."""
    x, y = fashion_mnist("train")
    x, y = x[:images], y[:images]
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator)
        for begin in range(0, len(y), 64):
            batch = order[begin: begin + 64]
            loss = sum(nn.functional.cross_entropy(logits, y[batch]) for logits in stage_logits(model, x[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", help="TorchScript file to write")
    parser.add_argument("--epochs", type=int, default=0, help="training epochs on Fashion-MNIST (default 0)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = AnytimeCnn()
    if args.epochs > 0:
        train(model, args.epochs, images=60000, seed=args.seed)
    model.eval()  # export in eval mode: batch-norm uses its running statistics
    torch.jit.script(model).save(args.output)


if __name__ == "__main__":
    main()
