"""What an edition publishes beside its HTML and PDF, read from the executed notebooks' structured blocks.

Each chart's data (a CSV of exactly what it draws, and a JSON of its sources and dates), the key chart's
small image for the front page and the archive, and the report's headline (its lede's first sentence).
The blocks are the outputs' structured form (typeset.BLOCK_MIME), so nothing here parses HTML back.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path

from nato_russia.publishing.typeset import BLOCK_MIME

#: The folder of chart data inside a variant's folder and each edition's: report.CHART_DATA_DIR.
DATA_DIR = "data"
# A citation token in a block's Markdown: " [@a; @b]".
_CITATION = re.compile(r"\s?\[@[^\]]+\]")


def blocks(notebooks: list, kind: str) -> list[dict]:
    """Every block of one kind in the notebooks, in document order."""
    found = []
    for nb in notebooks:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                block = output.get("data", {}).get(BLOCK_MIME)
                if isinstance(block, dict) and block.get("kind") == kind:
                    found.append(block)
    return found


def _sources(notebooks: list) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for block in blocks(notebooks, "sources"):
        for entry in block.get("entries", []):
            entries.setdefault(str(entry["id"]), entry)
    return entries


def write_chart_data(notebooks: list, folder: Path) -> list[Path]:
    """Write each chart's CSV (the rows drawn) and JSON (title, caption, as-of and review dates, sources).

    The CSV holds only the data, so it opens as it is in any spreadsheet or in pandas; what it rests on is
    in the JSON beside it, under the same name.
    """
    entries = _sources(notebooks)
    written = []
    for block in blocks(notebooks, "figure"):
        data = block.get("data")
        if not data or not data.get("columns"):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        stem = block.get("file") or block["name"]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(data["columns"])
        writer.writerows(data["rows"])
        csv_path = folder / f"{stem}.csv"
        csv_path.write_text(buffer.getvalue(), encoding="utf-8")
        meta = {
            "chart": block.get("title") or block["name"],
            "caption": block.get("caption", ""),
            "as_of": block.get("as_of"),
            "record_reviewed_to": block.get("reviewed_to"),
            "rows": len(data["rows"]),
            "columns": data["columns"],
            "sources": [
                {key: entries[source_id].get(key) for key in ("title", "publisher", "date", "url")}
                for source_id in [*block.get("source_ids", []), *block.get("more_source_ids", [])]
                if source_id in entries
            ],
        }
        json_path = folder / f"{stem}.json"
        json_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written += [csv_path, json_path]
    return written


def key_chart_png(notebooks: list) -> bytes | None:
    """The PNG of the chart a report marks as its key chart, else of its first chart."""
    figures = blocks(notebooks, "figure")
    chosen = next((block for block in figures if block.get("key")), figures[0] if figures else None)
    if chosen is None or not chosen.get("png"):
        return None
    return base64.b64decode(chosen["png"])


def headline(notebooks: list) -> str:
    """A report's headline for the front page and the feed: the first sentence of its first computed paragraph."""
    for block in blocks(notebooks, "markdown"):
        text = " ".join(_CITATION.sub("", block["markdown"]).replace("**", "").split())
        if text and not text.startswith(("#", "-")):
            first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]
            return first if len(first) <= 320 else first[:319].rstrip() + "…"
    return ""
