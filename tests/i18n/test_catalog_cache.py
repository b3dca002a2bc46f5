"""Compiled catalogs are kept in this user's cache (forms/i18n): the same words as the .po
files, read from the cache the next time, never from a folder someone else can write."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from forms import i18n
from forms.cache import private_cache_dir


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(i18n, "_loaded", {})
    return tmp_path / "amparo-i18n"


@pytest.mark.parametrize("lang", [x for x in i18n.LANGUAGES if x != "en"])
def test_the_cached_catalog_says_what_the_po_files_say(cache: Path, lang: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = i18n.merged_catalog(lang)
    expected = {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and m.string}
    assert len(expected) > 100
    first = i18n._load(lang)  # parses the .po files and writes the cache
    assert len(list(cache.glob(f"{lang}-*.mo"))) == 1

    def no_parsing(_lang: str) -> None:
        raise AssertionError("parsed again instead of reading the cache")

    monkeypatch.setattr(i18n, "merged_catalog", no_parsing)
    second = i18n._load(lang)
    for msgid, words in expected.items():
        assert first.gettext(msgid) == second.gettext(msgid) == words


def test_a_folder_others_can_write_is_not_used(cache: Path) -> None:
    cache.mkdir(mode=0o777, parents=True)
    os.chmod(cache, 0o777)
    assert private_cache_dir("amparo-i18n") is None
    assert i18n.translations("es").gettext("Cancel") != ""  # parsed instead: still works
    assert not list(cache.iterdir())


def test_threads_read_a_language_once(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    calls = []
    real = i18n._load
    monkeypatch.setattr(i18n, "_load", lambda lang: calls.append(lang) or real(lang))
    with ThreadPoolExecutor(8) as pool:
        found = set(map(id, pool.map(i18n.translations, ["fr"] * 16)))
    assert calls == ["fr"] and len(found) == 1


def test_compiled_templates_are_kept_and_a_changed_template_is_compiled_again(
        tmp_path: Path) -> None:
    """Jinja's bytecode cache in the private folder; it checks each template's source, so a
    page edited since is never served from an old compilation."""
    import subprocess
    import sys

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("one {{ x }}")
    script = ("import sys; from jinja2 import Environment, FileSystemBytecodeCache, "
              "FileSystemLoader; from forms.cache import private_cache_dir; "
              "d = private_cache_dir('amparo-templates'); "
              f"e = Environment(loader=FileSystemLoader({str(templates)!r}), "
              "bytecode_cache=FileSystemBytecodeCache(str(d))); "
              "print(e.get_template('page.html').render(x=1))")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def render() -> str:
        return subprocess.run([sys.executable, "-c", script], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    assert render() == "one 1"
    assert list((tmp_path / "cache" / "amparo-templates").iterdir())
    (templates / "page.html").write_text("two {{ x }}")
    assert render() == "two 1"


def test_the_pages_use_the_private_folder() -> None:
    from forms.render import environment

    cache = environment().bytecode_cache
    assert cache is not None and cache.directory == str(private_cache_dir("amparo-templates"))
