"""The same executed notebook typeset both ways: Typst (the build's PDF) and WeasyPrint (the route it replaced).

    .venv/bin/python benchmarks/typeset_side_by_side.py [reports/brief/brief.ipynb ...] [--runs 3] [--pages DIR]

For each route: seconds (median of --runs, each in a fresh process), bytes, pages, the build's own read-back check
(render.check_pdf), the findings of the independent checker pdfua, and, with --pages, every page as a PNG
beside its counterpart (pdftoppm) to look at. Needs executed notebooks: run `make reports` first.

WeasyPrint is not in the project's lock. It is installed here, once, into .cache/weasyprint-70.0 with uv
(pinned, from the package index), and only this script and the naive route of bench_build.py import it.
The WeasyPrint route prints the screen edition's HTML (render.to_html) with the print rules it used
(templates/print.css), as the build did before the Typst typesetter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEASYPRINT = "weasyprint==70.0"
WEASYPRINT_DIR = ROOT / ".cache" / "weasyprint-70.0"


def weasyprint_path() -> Path:
    """A folder holding WeasyPrint 70.0 and its dependencies (installed on first use), for sys.path."""
    if not (WEASYPRINT_DIR / "weasyprint").is_dir():
        uv = Path(sys.executable).parent / "uv"
        command = [str(uv), "pip", "install", "--quiet", "--target", str(WEASYPRINT_DIR), WEASYPRINT]
        print("installing", WEASYPRINT, "into", WEASYPRINT_DIR.relative_to(ROOT), flush=True)
        subprocess.run(command, check=True)
    return WEASYPRINT_DIR


def load(paths: list[Path]):
    import nbformat

    from nato_russia.publishing import render

    several = len(paths) > 1
    prepared, titles = [], []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        clean, title = render.prepare(nb, chapter=path.stem, several=several, prefix=f"nb{i}", log=lambda line: None)
        prepared.append(clean)
        titles.append(title)
    return prepared, titles


def stamp_for(path: Path):
    """The stamp the build gave this notebook's variant (from the manifest beside it), for the same colophon."""
    from nato_russia.publishing import render

    variant = path.parent.name
    manifest = json.loads((path.parent.parent / "manifest.json").read_text())
    record = manifest["variants"][variant]["published"]
    fields = {name: record.get(name, "") for name in render.Stamp.__dataclass_fields__}
    fields["parameters"] = record.get("parameters", {})
    fields["versions"] = record.get("versions", {})
    fields["pinned"] = bool(record.get("pinned"))
    return render.Stamp(**fields)


def typst_route(prepared, titles, stamp, target: Path, evidence):
    from nato_russia.publishing import render

    render.pdf_typst(prepared, target, stamp, subtitle=titles[0], attachments=evidence)


def weasyprint_route(prepared, titles, stamp, target: Path, evidence):
    from weasyprint import HTML, Attachment, URLFetcher

    from nato_russia.publishing import render, typeset

    html_text = render.to_html(render.merge(prepared), stamp, subtitle=titles[0])
    css = (ROOT / "benchmarks" / "weasyprint-print.css").read_text()
    html_text = html_text.replace("</style>", css + "\n</style>", 1)
    when = typeset.moment(stamp.source_date)
    files = [
        Attachment(filename=str(p), name=p.name, created=when, modified=when, relationship="Source") for p in evidence
    ]
    HTML(string=html_text, base_url=None, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        str(target), pdf_variant="pdf/ua-1", attachments=files
    )


def measure(name: str, notebooks: list[Path], target: Path, runs: int) -> list[float]:
    """Seconds of `runs` typesettings, each in a fresh process (as in the build: Typst memoizes layouts within
    a process, so a second compile of the same document in one process costs a tenth of the first)."""
    times = []
    for _ in range(runs):
        command = [sys.executable, __file__, "--one", name, str(target), *map(str, notebooks)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return times


def one(name: str, notebooks: list[Path], target: Path) -> float:
    """Typeset once (imports and the notebooks' reading not counted); the seconds it took."""
    from nato_russia import paths
    from nato_russia.publishing import render

    evidence = render.evidence_files(paths.DATA_DIR)
    prepared, titles = load(notebooks)
    stamp = stamp_for(notebooks[0])
    route = {"typst": typst_route, "weasyprint": weasyprint_route}[name]
    if name == "typst":
        import typst  # noqa: F401 - imported before the clock starts, as the build's workers have it
    else:
        import weasyprint  # noqa: F401
    started = time.perf_counter()
    route(prepared, titles, stamp, target, evidence)
    return time.perf_counter() - started


def findings(pdf: Path) -> list[str]:
    from pdfua import validate

    return [f"{f.rule_id} {f.severity.name}" for f in validate(str(pdf)).findings]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=[ROOT / "reports" / "brief" / "brief.ipynb"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=Path, help="write every page of both PDFs as PNGs here")
    parser.add_argument("--one", nargs=2, metavar=("ROUTE", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(weasyprint_path()))
    if args.one:
        print(one(args.one[0], args.notebooks, Path(args.one[1])))
        return 0

    from pypdf import PdfReader

    from nato_russia import paths
    from nato_russia.publishing import render

    evidence = render.evidence_files(paths.DATA_DIR)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("typst", "weasyprint"):
            target = Path(tmp) / f"{name}.pdf"
            times = measure(name, args.notebooks, target, args.runs)
            try:
                render.check_pdf(target, evidence)
                check = "passes"
            except render.PdfCheckFailed as exc:
                check = "fails: " + str(exc).split(": ", 1)[1]
            found = findings(target)
            rows.append(
                {
                    "route": name,
                    "seconds_median": round(statistics.median(times), 2),
                    "seconds": [round(t, 2) for t in times],
                    "bytes": target.stat().st_size,
                    "pages": len(PdfReader(str(target)).pages),
                    "check_pdf": check,
                    "pdfua_findings": len(found),
                    "pdfua_rules": sorted(set(found)),
                }
            )
            if args.pages:
                args.pages.mkdir(parents=True, exist_ok=True)
                subprocess.run(["pdftoppm", "-r", "60", "-png", str(target), str(args.pages / name)], check=True)
    print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
