#!/usr/bin/env python3
"""An independent reference for opcat's LSTM count: the multiply-accumulates of every timm model
with LSTM layers (the Sequencer models), counted by torch's FlopCounterMode on the same network
with each nn.LSTM replaced by the same recurrence written out step by step.

FlopCounterMode has no formula for the fused kernel aten::lstm, so the export-time reference
(reference.csv) leaves the LSTM layers' products out and explained.csv says so. Here every
nn.LSTM becomes `Unrolled`: the same weights, and at each time step and direction the gate
products as two F.linear calls (x_t W_ih^T + b_ih and h W_hh^T + b_hh), then PyTorch's
documented cell (i, f, g, o gates; c = f*c + i*g; h = o*tanh(c)). FlopCounterMode counts those
linear calls like any other; the unrolled network must give the original's logits (to 1e-4
relative), so the figure is of the network that was exported.

Models: those whose reference.csv row lists the op type LSTM; inputs: their reference rows.
Output: data/zoos/timm/lstm_reference.csv  model, input, macs_unrolled, lstm_layers, max_abs_diff,
versions. Tests/ModelFormatsTests/RealZooTests.swift requires opcat's MACs to equal macs_unrolled.

Usage (venv from tools/setup_corpus_venv.sh; a minute or two):
    .venv-corpus/bin/python tools/timm_lstm_reference.py
"""

from __future__ import annotations

import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_timm_zoo  # noqa: E402
import torch_zoo as tz  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO, "data", "zoos", "timm")
OUT = os.path.join(OUT_DIR, "lstm_reference.csv")


def unrolled_class(torch):
    import torch.nn.functional as F

    class Unrolled(torch.nn.Module):
        """nn.LSTM's recurrence step by step, with the module's own weights (no projection)."""

        def __init__(self, lstm):
            super().__init__()
            if lstm.proj_size:
                raise ValueError("an LSTM with proj_size is not written out here")
            self.lstm = lstm

        def forward(self, x, state=None):
            m = self.lstm
            if state is not None:
                raise ValueError("an initial state is not written out here")
            if m.batch_first:
                x = x.transpose(0, 1)
            steps, batch = x.shape[0], x.shape[1]
            directions = 2 if m.bidirectional else 1
            layer_input = x
            for layer in range(m.num_layers):
                outputs = []
                for d in range(directions):
                    suffix = f"_l{layer}" + ("_reverse" if d else "")
                    w_ih, w_hh = getattr(m, "weight_ih" + suffix), getattr(m, "weight_hh" + suffix)
                    b_ih = getattr(m, "bias_ih" + suffix) if m.bias else None
                    b_hh = getattr(m, "bias_hh" + suffix) if m.bias else None
                    h = x.new_zeros(batch, m.hidden_size)
                    c = x.new_zeros(batch, m.hidden_size)
                    out = [None] * steps
                    order = range(steps - 1, -1, -1) if d else range(steps)
                    for t in order:
                        gates = F.linear(layer_input[t], w_ih, b_ih) + F.linear(h, w_hh, b_hh)
                        i, f, g, o = gates.chunk(4, dim=1)
                        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                        h = torch.sigmoid(o) * torch.tanh(c)
                        out[t] = h
                    outputs.append(torch.stack(out))
                layer_input = torch.cat(outputs, dim=2) if directions == 2 else outputs[0]
            y = layer_input.transpose(0, 1) if m.batch_first else layer_input
            return y, (None, None)

    return Unrolled


def replace_lstms(torch, net, unrolled) -> int:
    n = 0
    for parent in list(net.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.LSTM):
                setattr(parent, name, unrolled(child))
                n += 1
    return n


def main() -> int:
    tz.quiet()
    torch = tz.setup_torch()
    import timm
    unrolled = unrolled_class(torch)
    with open(os.path.join(OUT_DIR, "reference.csv"), newline="", encoding="utf-8") as f:
        reference = [r for r in csv.DictReader(f) if "LSTM" in r["op_types"].split()]
    archs = export_timm_zoo.table()
    versions = f"torch {torch.__version__.split('+')[0]}, timm {timm.__version__}"
    rows = []
    for r in reference:
        arch = r["model"]
        torch.manual_seed(tz.SEED)
        built_from = f"{arch}.{export_timm_zoo.default_row(archs[arch])['tag']}"  # as the export builds it
        net = tz.randomize(timm.create_model(built_from, pretrained=False).eval())
        h, w = (int(d) for d in r["input"].split(":")[1].split("x")[2:])
        x = tz.example(h, w)
        with torch.no_grad():
            want = net(x)
        layers = replace_lstms(torch, net, unrolled)
        with torch.no_grad():
            got = net(x)
        diff = float((got - want).abs().max())
        if diff > 1e-4 * float(want.abs().max()):
            raise SystemExit(f"{arch}: the unrolled LSTMs give other logits (max abs difference {diff:g})")
        macs = tz.flop_counter_macs(net, x)
        rows.append({"model": arch, "input": r["input"], "macs_unrolled": macs, "lstm_layers": layers,
                     "max_abs_diff": f"{diff:.3g}", "versions": versions})
        print(f"{arch} {r['input']}: {layers} LSTMs unrolled, {macs:,} MACs (logits within {diff:.3g})", flush=True)
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["model", "input", "macs_unrolled", "lstm_layers", "max_abs_diff",
                                          "versions"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows -> {os.path.relpath(OUT, REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
