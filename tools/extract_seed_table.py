#!/usr/bin/env python3
"""Extract the published OpSummary.MXNet results table from the seed write-up.

The seed write-up (a blog post, in Chinese) contains one Markdown table:

    Model | Params(M) | Muls(G) | *Params(M) | *Muls(G) | Top1 Acc | Top5 Acc |
    ---|---|---|---|---|---|---|
    AlexNet | 61.10 | 0.71 | 2.47 | 0.66 | 0.5492 | 0.7803 |
    ...

This script writes it to data/reference/seed_table.csv with the header

    model,name,input_shape,params_m,muls_g,backbone_params_m,backbone_muls_g,top1,top5

`model` is the table's Model column verbatim, `name` the mxnet get_model name and
`input_shape` the input the counts were made with (both from tools/mxnet_zoo.py).
Numbers are kept exactly as printed (e.g. `21.3` stays `21.3`, `0.7100` stays `0.7100`),
misprints included; data/reference/README.md lists the known misprints.

Usage (stdlib only, any Python 3.11):
    python3 tools/extract_seed_table.py [SEED_FILE] [--output CSV]
SEED_FILE defaults to ../shared/seed/000_95165ccf6b526930.txt relative to the repo root.
"""

import argparse
import csv
import os
import sys

from mxnet_zoo import MODELS, MODELS_BY_DISPLAY_NAME, REPO_ROOT, SEED_TABLE_CSV

DEFAULT_SEED = os.path.join(REPO_ROOT, "..", "shared", "seed", "000_95165ccf6b526930.txt")

TABLE_HEADER = ["Model", "Params(M)", "Muls(G)", "*Params(M)", "*Muls(G)", "Top1 Acc", "Top5 Acc"]
CSV_HEADER = ["model", "name", "input_shape", "params_m", "muls_g",
              "backbone_params_m", "backbone_muls_g", "top1", "top5"]


def split_row(line: str) -> list:
    """Cells of a Markdown table row; the outer pipes are optional."""
    cells = [c.strip() for c in line.strip().split("|")]
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def is_separator(cells: list) -> bool:
    return bool(cells) and all(c and set(c) <= set("-:") for c in cells)


def parse_table(text: str) -> list:
    """The rows (lists of cell strings) of the results table in `text`."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "|" in line and split_row(line) == TABLE_HEADER:
            break
    else:
        raise SystemExit("results table header not found: " + " | ".join(TABLE_HEADER))
    if i + 1 >= len(lines) or not is_separator(split_row(lines[i + 1])):
        raise SystemExit(f"line {i + 2}: expected the Markdown separator row after the header")
    rows = []
    for j in range(i + 2, len(lines)):
        cells = split_row(lines[j])
        if "|" not in lines[j] or len(cells) != len(TABLE_HEADER):
            # The table ends at the first line that is not a 7-cell row (the next
            # paragraph; it contains a "|" of its own). A malformed row would end the
            # table early, which main() catches by checking the list of models.
            break
        for cell in cells[1:]:
            float(cell)  # every value cell must be a number (raises otherwise)
        rows.append(cells)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?", default=DEFAULT_SEED, help="the seed write-up (text)")
    parser.add_argument("--output", default=SEED_TABLE_CSV, help="CSV to write (default: %(default)s)")
    args = parser.parse_args()

    with open(args.seed, encoding="utf-8") as f:
        rows = parse_table(f.read())

    display_names = [r[0] for r in rows]
    expected = [m.display_name for m in MODELS]
    if display_names != expected:
        raise SystemExit(f"table models {display_names} differ from the expected {expected}")

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for cells in rows:
            model = MODELS_BY_DISPLAY_NAME[cells[0]]
            writer.writerow([cells[0], model.name, model.input_shape_str] + cells[1:])
    print(f"wrote {len(rows)} rows to {os.path.relpath(args.output)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
