"""Notes (articles/notes.py): Markdown to HTML that never runs a script."""

from __future__ import annotations

import json

from tests.conftest import shared_file


def test_script_in_a_note_never_survives():
    vectors = json.loads(shared_file("conformance", "xss", "vectors.json").read_text())
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_sanitizer", shared_file("conformance", "xss", "check_sanitizer.py")
    )
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    from articles.notes import render_note

    flagged = []
    for vector in vectors:
        payload = vector["payload"] if isinstance(vector, dict) else vector
        out = render_note(payload)
        if oracle.findings(out):
            flagged.append(payload)
    assert flagged == []
