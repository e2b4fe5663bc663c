"""Writing a benchmark's Markdown report (bench.py: latest.md, parquet.py: parquet.md).

A "## Notes" section written by hand under the figures survives a new run: the figures are
replaced, the reading of them stays until someone edits it.
"""
import os

NOTES_HEADING = "## Notes"


def write(path, text):
    """Writes TEXT to PATH, followed by the "## Notes" section PATH held, if any."""
    notes = ""
    if os.path.exists(path):
        with open(path) as previous:
            kept = previous.read()
        if NOTES_HEADING in kept:
            notes = "\n" + kept[kept.index(NOTES_HEADING):]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as output:
        output.write(text + notes)
