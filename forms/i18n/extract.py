"""A Babel extractor for wording kept as plain strings in dict literals (models never import
forms, so they cannot mark msgids with `_`): every string value of a module-level dict whose
name is UPPER_CASE, every `"text": "..."` value anywhere, and the positional arguments named
by the `calls` option (`calls = ItemSpec:2` takes the 2nd argument of `ItemSpec(...)`).
Used from babel.cfg."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any


def _strings(node: ast.AST) -> Iterator[tuple[int, str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value


def extract_catalogues(fileobj: Any, keywords: Any, comment_tags: Any,
                       options: Any) -> Iterator[tuple[int, str | None, str, list[str]]]:
    tree = ast.parse(fileobj.read().decode("utf-8"))
    calls = dict(part.split(":") for part in (options or {}).get("calls", "").split(",")
                 if ":" in part)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in calls:
            index = int(calls[node.func.id]) - 1
            if index < len(node.args):
                for line, text in _strings(node.args[index]):
                    yield line, None, text, []
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
