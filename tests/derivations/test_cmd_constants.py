import json
import subprocess
import sys

import mpmath
import pytest

from derivations.cli import main
from symbolic import constants as c


def test_json_keys_and_values(capsys):
    assert main(["constants", "--alpha", "0.6", "--S", "1", "--r", "0.01", "--eta", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["exponents"]) == {"T", "D", "N", "C"}
    assert out["exponents"]["C"] == "-0.230769230769231"       # -0.6/2.6
    for key in ("A_T", "A_D", "A_N", "A_N_eq327", "A_C", "lambda_star"):
        assert len(out[key].replace("0.", "", 1).lstrip("0")) >= 15 - 1
    # independent route for A_T: the polylog closed form
    with mpmath.workdps(30):
        a = mpmath.mpf("0.6")
        at = mpmath.zeta(a + 1) ** (-1 / (a + 1)) / (a + 1) * c.time_integral_polylog(alpha="0.6", S=1, r="0.01", dps=25)
        assert abs(mpmath.mpf(out["A_T"]) / at - 1) < 1e-14


def test_fifty_digits(capsys):
    assert main(["constants", "--alpha", "0.3", "--S", "2", "--r", "0.1", "--eta", "0.5", "--dps", "50", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    with mpmath.workdps(70):
        a, S, eta = mpmath.mpf("0.3"), mpmath.mpf(2), mpmath.mpf("0.5")
        at = (mpmath.zeta(a + 1) ** (-1 / (a + 1)) / (a + 1) * c.time_integral_polylog(alpha="0.3", S=2, r="0.1", dps=60)
              * (eta * S) ** (-a / (a + 1)))
        assert abs(mpmath.mpf(out["A_T"]) / at - 1) < mpmath.mpf(10) ** -49
        an = S**2 / (2 * a * mpmath.zeta(a + 1))
        assert abs(mpmath.mpf(out["A_N"]) / an - 1) < mpmath.mpf(10) ** -49


@pytest.mark.parametrize("bad", [["--alpha", "0"], ["--alpha", "-1"], ["--r", "1"], ["--r", "0"], ["--S", "0"],
                                 ["--eta", "0"], ["--dps", "4"], ["--dps", "1001"], ["--dps", "x"], ["--alpha", "inf"]])
def test_bad_input_exits_2_with_one_line(bad):
    args = dict(zip(["--alpha", "--S", "--r", "--eta"], ["0.6", "1", "0.01", "1"]))
    for flag, value in zip(bad[::2], bad[1::2]):
        args[flag] = value
    argv = [sys.executable, "-m", "derivations.cli", "constants"] + [x for kv in args.items() for x in kv]
    if "--dps" in bad:
        argv += ["--dps", bad[bad.index("--dps") + 1]]
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("emergence: error:") and proc.stderr.count("\n") == 1
