"""Report variants: read reports.yaml and check each variant's parameters before any kernel starts.

A variant is one published report: a title, one or more notebooks executed separately and
merged in order, the parameters given to every one of them, and the formats to write.
Validation happens here, in the parent process, so that a typo in reports.yaml is refused in
well under a second instead of after a kernel has started and a cell has failed.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nato_russia import paths

#: Formats a variant may ask for.
FORMATS = ("html", "pdf")

#: Parameters the build sets itself for every notebook; reports.yaml may not set them.
BUILD_OWNED = ("figures_dir",)

#: Dates that move when left blank: as_of is the build's date, period_end is as_of.
MOVING_DATES = ("as_of", "period_end")

#: A variant name becomes a folder and a file name, so keep it to a safe alphabet.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

DEFAULT_SETTINGS = {
    "kernel": "python3",
    "cell_timeout": 600,  # seconds one cell may run
    "notebook_timeout": 1800,  # seconds one notebook may run, kernel start included
    "start_timeout": 60,  # seconds to wait for a kernel to start
    "keep_editions": "all",  # editions kept per variant: "all" or the newest N
    "base_url": "",  # where reports/ is served, for the feed's links and ids ("" = relative links)
    # Who publishes the reports and how a reader reports an error: printed in every colophon and citation.
    "publisher": "The NATO–Russia report team",
    "report_errors_to": "the project's issue tracker, naming the edition and the fact",
}


class VariantError(ValueError):
    """reports.yaml, or a variant in it, cannot be built as written."""


@dataclass(frozen=True)
class Parameter:
    """One parameter a notebook declares in its `parameters` cell."""

    name: str
    type_name: str  # "str", "int", "float", "bool", "list", "dict" or "None" when not annotated
    default: object  # the default value, evaluated literally (None if it is an expression)
    help: str

    @property
    def is_date(self) -> bool:
        """Checked as a calendar date: its comment says YYYY-MM-DD, or its default is such a date."""
        return "YYYY-MM-DD" in self.help or (
            isinstance(self.default, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.default) is not None
        )


@dataclass
class Variant:
    """One report to build, as declared in reports.yaml (notebook paths made absolute)."""

    name: str
    title: str
    notebooks: list[Path]
    parameters: dict
    formats: list[str]
    entry: dict  # the raw reports.yaml entry, hashed so that any change to it rebuilds
    declared: dict[str, Parameter] = field(default_factory=dict)  # union over its notebooks
    keep_editions: int | None = None  # None: keep every edition

    def effective_parameters(self, data_dir: str | None = None, today: str | None = None) -> dict:
        """Defaults of the notebook(s) overlaid with this variant's parameters (and --data-dir).

        These are what the report actually shows, so they go in the manifest and colophon (and in
        the input hash). A blank as_of becomes `today` (the build's date) and a blank period_end
        becomes as_of, when the notebooks declare them. figures_dir is left out: it is a path inside
        the build, not a property of the report.
        """
        merged = {n: p.default for n, p in self.declared.items() if n not in BUILD_OWNED}
        merged.update(self.parameters)
        if data_dir is not None:
            merged["data_dir"] = data_dir
        if today is not None and "as_of" in merged and not str(merged["as_of"] or "").strip():
            merged["as_of"] = today
        if "period_end" in merged and not str(merged["period_end"] or "").strip() and merged.get("as_of"):
            merged["period_end"] = merged["as_of"]
        return merged

    @property
    def pinned(self) -> bool:
        """True when reports.yaml fixes the as-of date, so the edition does not move with the days."""
        return bool(str(self.parameters.get("as_of") or "").strip())

    @property
    def as_of(self) -> str:
        """The as-of date the report is stamped with ('' when the notebooks have none or it is blank)."""
        return str(self.effective_parameters().get("as_of") or "")


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


class DeclarationCache:
    """Remembers declared parameters by notebook content, so an up-to-date build skips papermill.

    Importing papermill takes ~0.9 s, most of a no-op build; the declarations of a notebook
    whose bytes (and papermill version) are unchanged are the ones papermill gave last time.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict = {}
        self.dirty = False
        if path is not None:
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    @staticmethod
    def key(notebook: Path) -> str:
        from importlib.metadata import version

        digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
        return f"{digest}:papermill-{version('papermill')}"

    def get(self, notebook: Path) -> dict[str, Parameter] | None:
        found = self.entries.get(self.key(notebook))
        if found is None:
            return None
        return {name: Parameter(name, *values) for name, values in found.items()}

    def put(self, notebook: Path, params: dict[str, Parameter]) -> None:
        self.entries[self.key(notebook)] = {n: [p.type_name, p.default, p.help] for n, p in params.items()}
        self.dirty = True

    def save(self) -> None:
        """Write the cache (atomically) if anything was added."""
        if self.path is None or not self.dirty:
            return
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.entries, indent=1, default=str), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:  # only a cache (a full disk, say): the next run inspects the notebooks again
            tmp.unlink(missing_ok=True)


def declared_parameters(notebook: Path, cache: DeclarationCache | None = None) -> dict[str, Parameter]:
    """The parameters a notebook declares, by name, as papermill reads them.

    papermill.inspect_notebook reads the `parameters` cell without starting a kernel.
    """
    if cache is not None and (cached := cache.get(notebook)) is not None:
        return cached

    import papermill

    try:
        found = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # a notebook that cannot even be read is a declaration error
        raise VariantError(f"cannot inspect {notebook}: {exc}") from exc
    params = {
        name: Parameter(
            name, info.get("inferred_type_name") or "None", _literal(info.get("default", "")), info.get("help") or ""
        )
        for name, info in found.items()
    }
    if cache is not None:
        cache.put(notebook, params)
    return params


def _type_ok(value: object, type_name: str) -> bool:
    checks = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "dict": lambda v: isinstance(v, dict),
    }
    base = type_name.split("[")[0].strip()
    return checks.get(base, lambda v: True)(value)


def _valid_list(declared: dict[str, Parameter]) -> str:
    return ", ".join(f"{p.name}: {p.type_name}" for p in declared.values() if p.name not in BUILD_OWNED)


def validate_parameters(variant_name: str, notebook: Path, given: dict, declared: dict[str, Parameter]) -> None:
    """Refuse parameters a notebook does not declare, of the wrong type, or dates that don't parse.

    The message lists the valid parameters as "name: type" so the fix is obvious.
    """
    problems = []
    for name, value in given.items():
        if name in BUILD_OWNED:
            problems.append(f"{name} is set by the build and may not be given")
            continue
        param = declared.get(name)
        if param is None:
            problems.append(f"unknown parameter {name!r}")
            continue
        if not _type_ok(value, param.type_name):
            problems.append(f"{name} must be {param.type_name}, got {type(value).__name__} {value!r}")
            continue
        if param.is_date and isinstance(value, str):
            if name in MOVING_DATES and not value.strip():
                continue  # blank: the build's date (as_of) or the as-of date (period_end)
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(f"{name}={value!r} is not a date (YYYY-MM-DD)")
    if not problems:
        merged = {n: p.default for n, p in declared.items()} | given
        start, end = merged.get("period_start"), merged.get("period_end")
        try:
            if start and end and dt.date.fromisoformat(str(start)) > dt.date.fromisoformat(str(end)):
                problems.append(f"period_start {start} is after period_end {end}")
        except ValueError:
            pass  # a default that is not a date is the notebook's business
    if problems:
        raise VariantError(
            f"variant {variant_name!r}, notebook {notebook.name}: "
            + "; ".join(problems)
            + f". Valid parameters: {_valid_list(declared)}"
        )


_KEEP = {"oneOf": [{"const": "all"}, {"type": "integer", "minimum": 1}]}
VARIANT_KEYS = ("name", "title", "notebooks", "parameters", "formats", "description", "keep_editions")

#: reports.yaml's shape, checked by jsonschema; what it cannot say (duplicate names, notebooks that exist,
#: parameters the notebooks declare) is checked in code below. Errors become the sentences of `_sentence`.
SCHEMA = {
    "type": "object",
    "required": ["variants"],
    "properties": {
        "settings": {
            "type": ["object", "null"],
            "properties": {"keep_editions": _KEEP},
            "additionalProperties": {},
            "propertyNames": {"enum": sorted(DEFAULT_SETTINGS)},
        },
        "variants": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "notebooks"],
                "propertyNames": {"enum": list(VARIANT_KEYS)},
                "properties": {
                    "name": {"type": "string", "pattern": NAME_RE.pattern},
                    "title": {"type": ["string", "null"]},
                    "notebooks": {
                        "oneOf": [
                            {"type": "string", "minLength": 1},
                            {"type": "array", "items": {"type": "string"}, "minItems": 1},
                        ]
                    },
                    "parameters": {"type": ["object", "null"]},
                    "formats": {"type": ["array", "null"], "items": {"enum": list(FORMATS)}},
                    "keep_editions": _KEEP,
                },
            },
        },
    },
}


def _sentence(error, doc: dict, variants_file: Path) -> str:
    """The one sentence a jsonschema error of reports.yaml is reported as."""
    where = list(error.absolute_path)
    unknown_key = "propertyNames" in error.schema_path
    if where == ["settings"] and unknown_key:
        unknown = sorted(set(doc["settings"]) - set(DEFAULT_SETTINGS))
        return f"unknown settings {unknown}; valid: {sorted(DEFAULT_SETTINGS)}"
    if len(where) < 2 or where[0] not in ("variants", "settings"):
        return f"{variants_file} must be a mapping with a `variants` list"
    if where[0] == "settings":
        if where[1] == "keep_editions":
            return f'settings: keep_editions must be "all" or a whole number of at least 1, got {error.instance!r}'
        unknown = sorted(set(doc["settings"]) - set(DEFAULT_SETTINGS))
        return f"unknown settings {unknown}; valid: {sorted(DEFAULT_SETTINGS)}"
    entry = doc["variants"][where[1]]
    if not isinstance(entry, dict):
        return f"{variants_file}: each variant must be a mapping, got {entry!r}"
    name = str(entry.get("name", ""))
    field = where[2] if len(where) > 2 else None
    if field is None and error.validator == "required" and "name" in entry:
        return f"variant {name!r} names no notebooks"
    if field is None and unknown_key:
        return f"variant {name!r}: unknown keys {sorted(set(entry) - set(VARIANT_KEYS))}"
    if field is None or field == "name":
        return f"variant name {name!r} must match {NAME_RE.pattern}"
    if field == "notebooks":
        return f"variant {name!r} names no notebooks"
    if field == "formats":
        bad = [f for f in entry.get("formats") or [] if f not in FORMATS]
        return f"variant {name!r}: unknown formats {bad}; valid: {list(FORMATS)}"
    if field == "keep_editions":
        return f'variant {name!r}: keep_editions must be "all" or a whole number of at least 1, got {error.instance!r}'
    return f"variant {name!r}: {field} {error.message}"


def check_schema(doc: object, variants_file: Path) -> None:
    """Refuse a reports.yaml whose shape is wrong, in one sentence about its first problem.

    A document that passed before (the same content, the same schema and jsonschema) passes again without
    importing jsonschema (about 0.4 s, most of a no-op build): a marker under .cache/validated/ records it.
    """
    if not isinstance(doc, dict):
        raise VariantError(f"{variants_file} must be a mapping with a `variants` list")
    marker = _schema_marker(doc)
    if marker is not None and marker.exists():
        return
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc), key=lambda e: list(map(str, e.path)))
    if errors:
        raise VariantError(_sentence(errors[0], doc, variants_file))
    if marker is not None:
        with contextlib.suppress(OSError):  # a read-only checkout just validates every time
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()


def _schema_marker(doc: dict) -> Path | None:
    """Where a passed check of `doc` is recorded, keyed by its content, the schema and jsonschema's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        validator = version("jsonschema")
        content = json.dumps([doc, SCHEMA, validator], sort_keys=True, default=str)
    except (PackageNotFoundError, TypeError, ValueError):
        return None
    return paths.CACHE_DIR / "validated" / f"reports-yaml-{hashlib.sha256(content.encode()).hexdigest()}"


def load_settings(doc: dict) -> dict:
    """Execution settings (kernel, timeouts) from reports.yaml's `settings`, over the defaults."""
    settings = dict(DEFAULT_SETTINGS)
    extra = doc.get("settings") or {}
    unknown = set(extra) - set(DEFAULT_SETTINGS)
    if unknown:
        raise VariantError(f"unknown settings {sorted(unknown)}; valid: {sorted(DEFAULT_SETTINGS)}")
    settings.update(extra)
    settings["keep_editions"] = parse_keep(settings["keep_editions"], "settings")
    return settings


def parse_keep(value: object, where: str) -> int | None:
    """keep_editions: "all" (or absent) keeps every edition; a whole number >= 1 keeps the newest N."""
    if value is None or value == "all":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise VariantError(f'{where}: keep_editions must be "all" or a whole number of at least 1, got {value!r}')


def load_document(variants_file: Path) -> dict:
    """The parsed reports.yaml (a mapping with `variants` and optional `settings`)."""
    try:
        doc = yaml.safe_load(Path(variants_file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VariantError(f"no variants file at {variants_file}") from None
    except yaml.YAMLError as exc:
        raise VariantError(f"{variants_file} is not valid YAML: {exc}") from exc
    check_schema(doc, variants_file)
    return doc


def load_variants(
    variants_file: Path = paths.VARIANTS_FILE, only: list[str] | None = None, cache_file: Path | None = None
) -> tuple[list[Variant], dict]:
    """Read, check and return the variants (those named in `only`, if given) and the settings.

    Every check that needs no kernel runs here: names, formats, notebooks exist, parameters.
    Notebook paths are relative to the variants file's folder. `cache_file` keeps notebooks'
    declared parameters between runs (see DeclarationCache).
    """
    variants_file = Path(variants_file).resolve()
    doc = load_document(variants_file)
    settings = load_settings(doc)
    base = variants_file.parent
    variants: list[Variant] = []
    seen: set[str] = set()
    for entry in doc["variants"]:
        name = str(entry["name"])
        if name in seen:
            raise VariantError(f"variant {name!r} is declared twice")
        seen.add(name)
        notebooks = entry.get("notebooks")
        if isinstance(notebooks, str):
            notebooks = [notebooks]
        formats = list(entry.get("formats") or FORMATS)
        if "pdf" in formats and "html" not in formats:
            formats.insert(0, "html")  # the PDF is made from the HTML
        params = dict(entry.get("parameters") or {})
        # YAML reads an unquoted 2021-10-19 as a date; the notebooks want the string.
        params = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}
        keep = settings["keep_editions"]
        if "keep_editions" in entry:
            keep = parse_keep(entry["keep_editions"], f"variant {name!r}")
        variant = Variant(
            name,
            str(entry.get("title") or name),
            [(base / nb).resolve() for nb in notebooks],
            params,
            formats,
            entry,
            keep_editions=keep,
        )
        if only and name not in only:
            continue
        for nb in variant.notebooks:
            if not nb.is_file():
                raise VariantError(f"variant {name!r}: notebook {nb} does not exist")
        variants.append(variant)
    if only:
        missing = sorted(set(only) - seen)
        if missing:
            raise VariantError(f"--only names unknown variants {missing}; declared: {sorted(seen)}")
    cache = DeclarationCache(cache_file)
    for variant in variants:
        check_variant(variant, cache)
    cache.save()
    return variants, settings


def check_variant(variant: Variant, cache: DeclarationCache | None = None) -> None:
    """Validate the variant's parameters against every notebook it runs."""
    for nb in variant.notebooks:
        declared = declared_parameters(nb, cache)
        validate_parameters(variant.name, nb, variant.parameters, declared)
        for name, param in declared.items():
            variant.declared.setdefault(name, param)
