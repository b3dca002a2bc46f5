"""A Babel extractor for wording kept as plain strings in dict literals (models never import
forms, so they cannot mark msgids with `_`): every string value of a module-level dict whose
name is UPPER_CASE, and every `"text": "..."` value anywhere. Used from babel.cfg."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any


def _strings(node: ast.AST) -> Iterator[tuple[int, str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        return


def extract_catalogues(fileobj: Any, keywords: Any, comment_tags: Any,
                       options: Any) -> Iterator[tuple[int, str | None, str, list[str]]]:
    tree = ast.parse(fileobj.read().decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = any(isinstance(t, ast.Name) and t.id.isupper() for t in targets)
            if named and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    for line, text in _strings(value):  # type: ignore[arg-type]
                        yield line, None, text, []
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "text":
                    for line, text in _strings(value):
                        yield line, None, text, []
