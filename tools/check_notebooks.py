"""Exit 1, naming them, if any notebook given has outputs or execution counts (they are committed clean)."""

import json
import sys


def dirty_cells(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    return sum(
        1
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    )


def main(paths: list[str]) -> int:
    bad = [(p, n) for p in paths if (n := dirty_cells(p))]
    for path, n in bad:
        print(f"{path}: {n} cell(s) with outputs; clear them (JupyterLab: Edit > Clear Outputs of All Cells)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
