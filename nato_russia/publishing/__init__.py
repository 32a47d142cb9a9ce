"""Publishing the reports: run the notebooks of every variant in reports.yaml, publish HTML and PDF.

Modules, in the order a build uses them:
  variants  read reports.yaml, validate parameters against each notebook (no kernel)
  inputs    input hashes, git commit, library versions
  lock      one build at a time (flock on reports/.build.lock)
  runner    decide what is stale, run workers, publish, handle signals
  worker    one variant in a child process: execute → html → pdf in a staging folder
  execute   papermill execution with timeouts and kernel clean-up
  render    nbconvert HTML (own template), table of contents; the PDF read back (PDF/UA-1, data attached)
  typeset   the PDF typeset with Typst from the outputs' structured blocks (templates/report.typ)
  publish   staging folders, atomic swap, _failed/, manifest.json, index.html
  progress  live lines at a terminal, plain lines in cron/CI

Entry point: `python -m nato_russia.publishing` (see __main__.py for options).
"""

from nato_russia.publishing import lazy_iri as _lazy_iri

# Before anything here imports nbformat, and so jsonschema (see lazy_iri).
_lazy_iri.install()
