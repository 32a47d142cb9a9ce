"""What a vector chart would cost: the brief's charts drawn as PNG (what the block carries) and as SVG.

    .venv/bin/python benchmarks/chart_formats.py [--runs 3]

For each chart: seconds to write it (report.png_bytes, the build's way, against savefig as SVG after the same
single layout), and bytes. Then the same Typst document typeset with the PNGs and with the SVGs (each in a
fresh process, so Typst's memoized layouts from one do not help the other): seconds and PDF bytes.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def charts():
    """The five charts of the brief as of a fixed day, drawn as the notebook draws them."""
    from nato_russia import analysis, charts, params
    from nato_russia.data import load_dataset

    values = {name: "" for name in params.PARAMETERS}
    values.update(period_start="1991-01-01", as_of="2026-11-28")
    p = params.validate_parameters(values, set())
    full = load_dataset(p.data_dir)
    data = analysis.as_of_view(full, p.as_of)
    after = analysis.after_article_start(data, p)
    return [
        charts.plot_staffing(data, p),
        charts.plot_swimlanes(data, p),
        charts.plot_nrc_meetings(data, p),
        charts.plot_channel_silence(data, p),
        charts.plot_timeline(data, p, after),
    ]


def svg_bytes(chart) -> bytes:
    """As report.png_bytes, one layout then a frozen tight box, but written as SVG (text kept as text)."""
    import matplotlib.pyplot as plt

    figure = chart.figure
    figure.draw_without_rendering()
    box = figure.get_tightbbox(figure.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    figure.set_layout_engine("none")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def typeset(kind: str, folder: Path) -> float:
    import typst

    from nato_russia.publishing import typeset

    files = sorted(folder.glob(f"*.{kind}"))
    body = "\n".join(
        f'#figure(image("{f.name}", alt: "chart {i}", width: 100%), caption: [Chart {i}.])' for i, f in enumerate(files)
    )
    source = f'#set document(title: "Charts as {kind}")\n#set text(lang: "en", font: "DejaVu Sans")\n{body}\n'
    (folder / f"{kind}.typ").write_text(source)
    started = time.perf_counter()
    typst.compile(
        str(folder / f"{kind}.typ"),
        output=str(folder / f"{kind}.pdf"),
        root=str(folder),
        font_paths=typeset.font_dirs(),
        ignore_system_fonts=True,
        pdf_standards=["ua-1"],
    )
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--typeset", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.typeset:
        print(typeset(args.typeset[0], Path(args.typeset[1])))
        return 0

    from nato_russia import report

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(len(charts())):
            row = {}
            for kind, write in (("png", report.png_bytes), ("svg", svg_bytes)):
                seconds = []
                for _ in range(args.runs):
                    chart = charts()[i]  # a fresh figure each time: the layout is part of the cost
                    started = time.perf_counter()
                    data = write(chart)
                    seconds.append(time.perf_counter() - started)
                (folder / f"{i}-{chart.name}.{kind}").write_bytes(data)
                row.update(
                    {"chart": chart.name, f"{kind}_s": round(statistics.median(seconds), 3), f"{kind}_bytes": len(data)}
                )
            rows.append(row)
        totals = {}
        for kind in ("png", "svg"):
            seconds = [
                float(
                    subprocess.run(
                        [sys.executable, __file__, "--typeset", kind, tmp], check=True, capture_output=True, text=True
                    ).stdout.split()[-1]
                )
                for _ in range(args.runs)
            ]
            totals[kind] = {
                "typst_s": round(statistics.median(seconds), 3),
                "pdf_bytes": (folder / f"{kind}.pdf").stat().st_size,
            }
    print(json.dumps({"charts": rows, "typeset": totals}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
