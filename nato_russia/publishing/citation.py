"""How to cite one edition: its permanent address and its citation as text, CSL-JSON and BibTeX.

An edition's address is the variant's editions folder and its as-of date under `base_url`
(`<base_url>/<variant>/editions/<as_of>/<variant>.html`), or the same path relative to reports/ when no
base URL is set. The citation is written once, with the edition, and read back when the same date is
rebuilt, so a published citation never changes. The accessed date is left to the reader, as citation
styles expect.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

CSL_FILE = "citation.json"  # CSL-JSON: what Zotero and other citation managers import
BIBTEX_FILE = "citation.bib"


def edition_address(base_url: str, variant: str, as_of: str) -> str:
    """The permanent address of an edition's HTML: absolute under `base_url`, else relative to reports/."""
    path = f"{variant}/editions/{as_of}/{variant}.html"
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def edition_citation(title: str, publisher: str, variant: str, as_of: str, base_url: str) -> dict:
    """The edition's citation as one CSL-JSON item (a report, issued on its as-of date)."""
    day = dt.date.fromisoformat(as_of)
    return {
        "id": f"{variant}-{as_of}",
        "type": "report",
        "title": title,
        "publisher": publisher,
        "author": [{"literal": publisher}],
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "version": f"edition of {day.day} {day:%B %Y}",
        "URL": edition_address(base_url, variant, as_of),
        "medium": "HTML and PDF",
    }


def citation_text(item: dict) -> str:
    """The citation in one line a reader can copy: publisher, title, edition, address; accessed left blank."""
    year, month, day = item["issued"]["date-parts"][0]
    issued = dt.date(year, month, day)
    return f"{item['publisher']}. {item['title']}. Edition of {issued.day} {issued:%B %Y}. {item['URL']} (accessed …)."


def bibtex(item: dict) -> str:
    """The citation as a BibTeX @techreport entry."""
    year, month, day = item["issued"]["date-parts"][0]
    key = re.sub(r"[^A-Za-z0-9]+", "-", item["id"]).strip("-")

    def braced(text: str) -> str:
        return "{" + text.replace("{", "\\{").replace("}", "\\}") + "}"

    fields = {
        "title": braced(item["title"]),
        "author": "{" + braced(item["publisher"]) + "}",  # a corporate author, kept whole (double braces)
        "institution": braced(item["publisher"]),
        "year": str(year),
        "month": str(month),
        "day": str(day),
        "note": braced(item["version"]),
        "url": braced(item["URL"]),
    }
    lines = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@techreport{{{key},\n{lines}\n}}\n"


def read_or_make(edition: Path | None, **fields) -> dict:
    """The citation already published with this edition, if any; else a new one from `fields`.

    Rebuilding an edition of the same date keeps its citation, even if the title or address setting
    changed since: a citation readers have used must keep pointing at what they cited.
    """
    if edition is not None:
        try:
            item = json.loads((edition / CSL_FILE).read_text(encoding="utf-8"))[0]
            if isinstance(item, dict) and item.get("URL"):
                return item
        except (OSError, ValueError, IndexError, KeyError):
            pass
    return edition_citation(**fields)


def write(folder: Path, item: dict) -> list[Path]:
    """Write the citation files into an edition's folder; return their paths."""
    csl = folder / CSL_FILE
    csl.write_text(json.dumps([item], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    bib = folder / BIBTEX_FILE
    bib.write_text(bibtex(item), encoding="utf-8")
    return [csl, bib]
