#!/usr/bin/env python3
"""Writes the shipped zoo (resources/models) from a store that `alertwb-cli train --zoo` filled.

The workbench loads resources/models/manifest.json into a new store so that the first run needs
no training. The manifest records the exact training command and seed, each model's outputs
(cumulative MACs and parameters, test accuracy) and the per-input correctness on the
Fashion-MNIST test set as hex of the store's packed bits (bit i of byte i/8, least significant
first), which the replay Oracle needs.

Usage: scripts/ship-zoo.py --store STORE --command "alertwb-cli train --zoo ..." --seed S [--out resources/models]
Python's standard library only; it reads the store read-only.
"""
import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def newest_models(db):
    rows = db.execute(
        "SELECT id, name, kind, file_path, file_sha256, input_shape, parameters, created_at FROM model "
        "WHERE source = 'zoo' AND id IN (SELECT max(id) FROM model GROUP BY name) ORDER BY id").fetchall()
    if not rows:
        sys.exit("ship-zoo: the store holds no zoo models")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--command", required=True, help="the training command, recorded verbatim")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--versions", default="", help="JSON object of versions (alertwb, libtorch)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "resources", "models"))
    args = parser.parse_args()

    db = sqlite3.connect("file:" + os.path.abspath(args.store) + "?mode=ro", uri=True)
    dataset = db.execute(
        "SELECT id, uid, name, split, sample_count FROM dataset WHERE uid = 'fashion-mnist-test'").fetchone()
    if dataset is None:
        sys.exit("ship-zoo: the store has no fashion-mnist-test data set")
    os.makedirs(args.out, exist_ok=True)
    models = []
    for model_id, name, kind, path, sha, shape, parameters, created in newest_models(db):
        if sha256_of(path) != sha:
            sys.exit(f"ship-zoo: {path} does not match the sha256 the store recorded")
        file_name = name + ".pt"
        shutil.copyfile(path, os.path.join(args.out, file_name))
        outputs = []
        for index, macs, cumulative_parameters, accuracy in db.execute(
                "SELECT output_index, cumulative_macs, cumulative_parameters, test_accuracy FROM model_output "
                "WHERE model_id = ? ORDER BY output_index", (model_id,)):
            bits = db.execute(
                "SELECT input_count, correct_bits FROM input_correctness "
                "WHERE model_id = ? AND output_index = ? AND dataset_id = ?", (model_id, index, dataset[0])).fetchone()
            if bits is None:
                sys.exit(f"ship-zoo: {name} output {index} has no per-input correctness")
            outputs.append({"index": index, "cumulative_macs": macs, "cumulative_parameters": cumulative_parameters,
                            "test_accuracy": accuracy, "input_count": bits[0], "correct_bits_hex": bits[1].hex()})
        models.append({"name": name, "kind": kind, "file": file_name, "sha256": sha, "input_shape": shape,
                       "parameters": parameters, "trained_at": created, "outputs": outputs})
    manifest = {
        "format": 1,
        "command": args.command,
        "seed": args.seed,
        "versions": json.loads(args.versions) if args.versions else {},
        "dataset": {"uid": dataset[1], "name": dataset[2], "split": dataset[3], "sample_count": dataset[4]},
        "models": models,
    }
    fd, temporary = tempfile.mkstemp(dir=args.out, prefix=".manifest-")
    os.chmod(temporary, 0o644)
    with os.fdopen(fd, "w") as file:
        json.dump(manifest, file, indent=1)
        file.write("\n")
    os.replace(temporary, os.path.join(args.out, "manifest.json"))
    print(f"ship-zoo: {len(models)} models written to {os.path.abspath(args.out)}")


if __name__ == "__main__":
    main()
