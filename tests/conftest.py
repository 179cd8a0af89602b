import mpmath
import pytest


@pytest.fixture(autouse=True)
def _reset_mpmath_precision():
    """Every test starts and ends at mpmath's default precision."""
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """Tests compute every check afresh (a test may monkeypatch what a check uses); the cache's
    own tests turn it on with a folder of their own."""
    monkeypatch.setenv("EMERGENCE_NO_CACHE", "1")
