"""The registry of claims: every module ``derivations/<kind>_<number>_<slug>.py`` with a
``claim()`` function is found automatically, so adding a result is adding a module.

Examples
--------
>>> "lemma-1" in REGISTRY
True
>>> get("lemma-1").equations[0]
'26'
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from typing import Callable, Iterator

import derivations
from derivations.claim import Claim
from numeric_check.validation import ArgumentError

__all__ = ["REGISTRY", "get", "claims", "SECTIONS"]

KINDS = ("lemma", "corollary", "proposition", "theorem", "eq", "appendix")
_MODULE = re.compile(rf"^({'|'.join(KINDS)})_([0-9a-z]+)_[a-z0-9_]+$")

SECTIONS = (
    "The multilinear model",
    "Stage-like training",
    "Scaling laws: exponents",
    "Scaling laws: prefactors and rigorous results",
    "The extended models",
    "Neural networks",
)


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _discover() -> dict[str, Callable[[], Claim]]:
    found: dict[str, Callable[[], Claim]] = {}
    for info in pkgutil.iter_modules(derivations.__path__):
        match = _MODULE.match(info.name)
        if not match:
            continue
        claim_id = f"{match.group(1)}-{match.group(2)}"
        module_name = f"derivations.{info.name}"
        found[claim_id] = lambda name=module_name: importlib.import_module(name).claim()
    order = {kind: i for i, kind in enumerate(KINDS)}
    return dict(sorted(found.items(), key=lambda kv: (order[kv[0].split("-")[0]], _natural(kv[0]))))


REGISTRY: dict[str, Callable[[], Claim]] = _discover()


@lru_cache(maxsize=None)
def get(claim_id: str) -> Claim:
    """The claim with id ``claim_id`` (e.g. ``"lemma-1"``)."""
    if claim_id not in REGISTRY:
        raise ArgumentError(f"claim id must be one of {', '.join(REGISTRY)}; got {claim_id!r}")
    claim = REGISTRY[claim_id]()
    if claim.id != claim_id:
        raise RuntimeError(f"module for {claim_id} returned claim {claim.id}")
    return claim


def claims(ids: list[str] | None = None) -> Iterator[Claim]:
    """Claims in document order (sections, then registry order), or the given ids."""
    if ids:
        for claim_id in ids:
            get(claim_id)  # validate all before yielding any
        yield from (get(i) for i in ids)
        return
    every = [get(i) for i in REGISTRY]
    rank = {name: i for i, name in enumerate(SECTIONS)}
    yield from sorted(every, key=lambda c: rank.get(c.section, len(SECTIONS)))
