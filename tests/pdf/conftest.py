from __future__ import annotations

from pathlib import Path

import pytest

from tests.pdf import corpus


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile corpus, written once per session to a temporary folder (never committed)."""
    folder = tmp_path_factory.mktemp("hostile-pdfs")
    filled = corpus.fill("grant", "en", {**corpus.COMMON_VALUES, **corpus.REQUEST_VALUES["grant"]})
    files = {
        "bomb.pdf": corpus.bomb(),
        "cyclic-pages.pdf": corpus.cyclic_pages(),
        "cyclic-pages-with-leaf.pdf": corpus.cyclic_pages_with_leaf(),
        "cyclic-xobjects.pdf": corpus.cyclic_xobjects(),
        "10000-pages.pdf": corpus.many_pages(),
        "60mb.pdf": corpus.huge(),
        "truncated.pdf": filled[: len(filled) // 2],
        "truncated-with-eof.pdf": filled[: len(filled) // 2] + b"\n%%EOF\n",
        "photo.pdf": corpus.jpeg_renamed(),
        "nested-arrays.pdf": corpus.nested_arrays(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder
