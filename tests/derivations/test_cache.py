"""The on-disk cache of check results and figures: reused only for the same code and seed,
recomputed when an entry is missing or unreadable, never evaluated."""
import json

import pytest

from derivations import cache as cache_module
from derivations.cache import CheckCache, cached_checks, cached_figures
from derivations.claim import run_checks
from derivations.cli import main
from derivations.document.figures import figure_sets
from derivations.registry import get


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("EMERGENCE_NO_CACHE", raising=False)
    monkeypatch.setenv("EMERGENCE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_check_stores_and_reuses_results(cache_dir, capsys, monkeypatch):
    assert main(["check", "appendix-e3", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert len(list((cache_dir / "checks").glob("*.json"))) == 1
    import derivations.claim as claim_module

    monkeypatch.setattr(claim_module, "_checks", lambda *a: pytest.fail("the cached result was not reused"))
    claim_module._memoised_checks.cache_clear()
    assert main(["check", "appendix-e3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first


def test_another_seed_or_other_code_is_a_miss(cache_dir, monkeypatch):
    cache = CheckCache(cache_dir)
    claim = get("appendix-e3")
    result = cached_checks(claim, 0, cache)
    assert cache.get("appendix-e3", seed=0) == result
    assert cache.get("appendix-e3", seed=1) is None
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other code")
    assert cache.get("appendix-e3", seed=0) is None


@pytest.mark.parametrize("text", ["not json", "[]", '{"id": "appendix-e3"}', "__import__('os')"])
def test_an_unreadable_entry_is_recomputed(cache_dir, text):
    cache = CheckCache(cache_dir)
    claim = get("appendix-e3")
    cached_checks(claim, 0, cache)
    (entry,) = (cache_dir / "checks").glob("*.json")
    entry.write_text(text)
    assert cache.get("appendix-e3", seed=0) is None
    assert cached_checks(claim, 0, cache) == run_checks(claim, seed=0)


def test_a_modified_claim_never_uses_the_cache(cache_dir):
    import dataclasses

    from symbolic.symbols import alpha

    cache = CheckCache(cache_dir)
    good = get("appendix-e3")
    cached_checks(good, 0, cache)
    bad = dataclasses.replace(good, statement=good.statement.subs(alpha, 2 * alpha))
    assert not cached_checks(bad, 0, cache).passed


def test_figures_are_reused_for_the_same_code(cache_dir, tmp_path, monkeypatch):
    fig_set = figure_sets()["scaling"]
    first = cached_figures(fig_set, tmp_path / "figs", CheckCache(cache_dir))
    import dataclasses

    refusing = dataclasses.replace(fig_set, make=lambda folder: pytest.fail("figures were redrawn"))
    again = cached_figures(refusing, tmp_path / "figs", CheckCache(cache_dir))
    assert again == first


def test_no_cache_env_turns_it_off(monkeypatch):
    monkeypatch.setenv("EMERGENCE_NO_CACHE", "1")
    assert cache_module.default_cache() is None
