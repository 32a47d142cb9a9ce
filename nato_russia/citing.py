"""Numbered citations and source lists in HTML: one form for a notebook's outputs and a merged volume's.

The report helpers number a notebook's sources as they are cited (nato_russia.report); a merged volume
numbers them once across its chapters (publishing.render.number_sources_once). Both write citations and
list entries with these two functions, so the screen edition reads the same either way.
"""

from __future__ import annotations

import html


def citation_html(source_ids: list[str], numbers: dict[str, int], anchor) -> str:
    """'[1], [4]–[6]' as links to the source list, wrapped with the ids it cites.

    Runs of three or more numbers read as a range, so a long list stays short. The wrapper keeps every id
    (a range hides the middle ones), so a merged volume can number its sources once and rewrite each
    citation from its ids.
    """
    ids = list(dict.fromkeys(source_ids))
    wanted = sorted({numbers[source_id] for source_id in ids})
    link = lambda n: f'<a class="cite" href="#{anchor(n)}">[{n}]</a>'  # noqa: E731
    parts, run = [], []
    for number in wanted + [None]:
        if run and (number is None or number != run[-1] + 1):
            parts.append(f"{link(run[0])}–{link(run[-1])}" if len(run) >= 3 else ", ".join(map(link, run)))
            run = []
        if number is not None:
            run.append(number)
    if not parts:
        return ""
    return f'<span class="cites" data-sources="{" ".join(ids)}">{", ".join(parts)}</span>'


def entry_html(entry: dict, number: int, anchor: str) -> str:
    """One numbered entry of a source list: the title (linked; with an English gloss if it is in another
    language), author, publisher, date, where in it the record's facts are, and its whole address, since links are
    invisible on paper."""
    title = f'<a href="{html.escape(entry["url"])}">{html.escape(entry["title"])}</a>'
    if entry.get("title_english"):
        title += f' <span class="gloss">[{html.escape(entry["title_english"])}]</span>'
    parts = [title]
    if entry.get("author"):
        parts.append(html.escape(entry["author"]))
    parts.append(html.escape(entry["publisher"]))
    parts.append(html.escape(entry["date"]))
    where = f' <span class="where">At {html.escape(entry["where"])}.</span>' if entry.get("where") else ""
    address = f'<span class="address">{html.escape(entry["address"])}</span>'
    source = html.escape(str(entry["id"]), quote=True)
    return f'<li id="{anchor}" value="{number}" data-source="{source}">{", ".join(parts)}.{where} {address}</li>'


def list_html(items: list[str], list_anchor: str = "") -> str:
    ident = f' id="{list_anchor}"' if list_anchor else ""
    return f"<ol class='sources'{ident}>{''.join(items)}</ol>"
