"""Every stylesheet parses cleanly: no syntax error, and no block left open.

An unclosed `@media (max-width: 600px) {` once turned every rule after it into a
phone-only rule, so the desktop library lost its tabs, chips and star styles; tinycss2
reads the file the way a browser does and says where it went wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinycss2
from tinycss2 import ast

STATIC = Path(__file__).resolve().parents[1] / "static"
STYLESHEETS = sorted(STATIC.rglob("*.css"))
# Comments and strings may hold braces that are not blocks.
_NOT_CODE = re.compile(r"/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", re.DOTALL)


def _problems(nodes: list, where: str = "") -> list[str]:
    """Parse errors anywhere in the tree: rules, at-rule bodies, declarations."""
    found = []
    for node in nodes:
        if isinstance(node, ast.ParseError):
            found.append(f"line {node.source_line}: {node.message}{where}")
        elif isinstance(node, ast.AtRule) and node.content is not None:
            body = tinycss2.parse_blocks_contents(node.content, skip_whitespace=True)
            inner = [n for n in body if not isinstance(n, ast.Declaration)]
            if node.lower_at_keyword in {"media", "supports", "layer", "container"}:
                found += _problems(
                    tinycss2.parse_rule_list(node.content, skip_whitespace=True),
                    f" (in @{node.lower_at_keyword} from line {node.source_line})",
                )
            else:
                found += _problems(inner, where)
        elif isinstance(node, ast.QualifiedRule):
            found += _problems(
                tinycss2.parse_blocks_contents(node.content, skip_whitespace=True), where
            )
    return found


def _blocks(tokens: list) -> int:
    count = 0
    for token in tokens:
        if isinstance(token, ast.CurlyBracketsBlock):
            count += 1 + _blocks(token.content)
        elif isinstance(token, (ast.SquareBracketsBlock, ast.ParenthesesBlock, ast.FunctionBlock)):
            count += _blocks(token.arguments if hasattr(token, "arguments") else token.content)
    return count


def test_there_are_stylesheets_to_check():
    assert STYLESHEETS, f"no .css file under {STATIC}"


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: str(p.relative_to(STATIC)))
def test_the_stylesheet_parses_without_errors(path):
    css = path.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    assert _problems(rules) == []


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: str(p.relative_to(STATIC)))
def test_every_block_in_the_stylesheet_is_closed(path):
    css = path.read_text(encoding="utf-8")
    opened = _blocks(tinycss2.parse_component_value_list(css, skip_comments=True))
    closed = _NOT_CODE.sub("", css).count("}")
    assert closed == opened, (
        f"{opened} blocks open and {closed} close: a block is left open, so every rule "
        "after it is read as part of it"
    )


def test_an_unclosed_block_is_caught():
    """The check itself: the defect it exists for is found."""
    css = "a { color: red; }\n@media (max-width: 600px) {\n  .b { color: blue; }\n.c { x: y; }"
    opened = _blocks(tinycss2.parse_component_value_list(css, skip_comments=True))
    assert opened == 4
    assert _NOT_CODE.sub("", css).count("}") == 3
