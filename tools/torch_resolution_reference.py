#!/usr/bin/env python3
"""Independent MAC counts of the bundled torchvision models at several resolutions.

Writes data/reference/torchvision_resolutions.csv: for each torchvision model of the zoo whose
graph takes other inputs than 224² (ViT-B/16 and Swin-T fix 224-derived sizes, in torch as in
their ONNX files), at 224², 320² and 512², the multiply-accumulates that
torch.utils.flop_counter.FlopCounterMode counts (its FLOPs / 2: convolutions, mm, addmm, bmm)
for the whole model and for its classification head (the top-level `fc`/`classifier` modules,
which follow the backbone module of tools/export_torchvision_zoo.py). The backbone is the model
without its head. opcat's tests count data/zoo/<name>.onnx at each input and compare.

Run with the torch venv (tools/setup_torch_venv.sh):
    "$(bash tools/setup_torch_venv.sh)" tools/torch_resolution_reference.py
"""
import csv
import os
import sys

import torch
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import get_model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_torchvision_zoo import MODELS  # noqa: E402  (the zoo's model list, one place)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV_PATH = os.path.join(REPO_ROOT, "data", "reference", "torchvision_resolutions.csv")
SIDES = (224, 320, 512)
FIXED_SIZE = {"vit_b_16", "swin_t"}  # their graphs fix 224-derived token counts and windows
HEAD_MODULES = ("fc", "classifier")


def counts(name: str, side: int) -> tuple[int, int]:
    """(total MACs, head MACs) of torchvision's `name` at 1x3xside×side."""
    net = get_model(name, weights=None).eval()
    heads = [child for child_name, child in net.named_children() if child_name in HEAD_MODULES]
    assert len(heads) == 1, f"{name}: expected one of {HEAD_MODULES} as the head"
    with torch.no_grad():
        with FlopCounterMode(display=False) as total:
            net(torch.zeros(1, 3, side, side))
        features = None

        def keep(_module, inputs, _output):
            nonlocal features
            features = inputs[0]

        hook = heads[0].register_forward_hook(keep)
        net(torch.zeros(1, 3, side, side))
        hook.remove()
        with FlopCounterMode(display=False) as head:
            heads[0](features)
    flops, head_flops = total.get_total_flops(), head.get_total_flops()
    assert flops % 2 == 0 and head_flops % 2 == 0
    return flops // 2, head_flops // 2


def main() -> None:
    rows = []
    for model in MODELS:
        if model.name in FIXED_SIZE:
            continue
        for side in SIDES:
            macs, head = counts(model.name, side)
            rows.append({
                "model": model.name, "input_shape": f"1x3x{side}x{side}", "torch_macs": macs,
                "head_macs": head, "backbone_macs": macs - head,
            })
            print(f"{model.name} {side}: {macs} MACs, backbone {macs - head}", file=sys.stderr)
    with open(CSV_PATH, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {CSV_PATH} ({len(rows)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
