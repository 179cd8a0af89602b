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


class Killed(Exception):
    """What a run's ``log`` raises in place of a kill (:func:`kill_log`)."""


@pytest.fixture
def kill_log():
    """``kill_log(step)``: a run's ``log`` that raises ``kill_log.Killed`` once the checkpoint of
    ``step`` is recorded (its line and state are saved before the log line, as a kill there would
    leave them)."""
    def make(step: int):
        def log(message: str) -> None:
            if f"step {step} " in message:
                raise Killed
        return log

    make.Killed = Killed
    return make
