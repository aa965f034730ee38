"""Neutralising spreadsheet cells: no text an export writes is read as a formula."""

from __future__ import annotations

from assessment.services.exports import neutralise


def test_cells_that_would_start_a_formula_are_neutralised() -> None:
    for hostile in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(hostile) == "'" + hostile
    assert neutralise("plain") == "plain"
    assert neutralise(-3) == -3 and neutralise(2.5) == 2.5  # numbers stay numbers
    assert neutralise(None) == ""
