"""Which saved results the network figures use: the paper preset's folder when it holds finished
runs for the figure (Fig. 11 needs the n_s = 1 runs, Fig. 1 also the n_s = 5 runs), else the
quick preset's; and the caption's account of the settings."""
import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from derivations.document.network_figures import (REPOSITORY, find_results, is_paper_setting, settings_text)
from numeric_check.closed_forms.calibration import default_r0
from numeric_check.closed_forms.emergence import time_emergence
from numeric_check.networks.experiments import PRESETS
from numeric_check.networks.folder import prepare_folder
from numeric_check.networks.runner import checkpoint_steps
from numeric_check.validation import ArgumentError

QUICK = REPOSITORY / "docs" / "results" / "nn" / "time-quick"


def _write_run(folder, name, spec, n_s, *, finished=True):
    steps = checkpoint_steps(steps=spec.steps, eval_every=spec.eval_every)
    if not finished:
        steps = steps[:10]
    lines = []
    for i, step in enumerate(steps):
        R = [round(float(time_emergence(np.array([step]), k=k, alpha=0.6, n_s=n_s, S=5.0, B2=0.05,
                                        R0=default_r0(spec.init_std), eta=2 * spec.lr)[0]), 6)
             for k in range(1, n_s + 1)]
        lines.append(json.dumps({"step": step, "R": R, "L": [1.0] * n_s, "train_loss": None if i == 0 else 1.0,
                                 "done": finished and i == len(steps) - 1}))
    (folder / "runs").mkdir(exist_ok=True)
    (folder / "runs" / f"{name}.jsonl").write_text("\n".join(lines) + "\n")


@pytest.fixture()
def root(tmp_path):
    shutil.copytree(QUICK, tmp_path / "time-quick")
    paper = replace(PRESETS["paper"]["time"], seeds=(0, 1, 2))
    prepare_folder(paper, tmp_path / "time-paper", force=False)
    return tmp_path, paper


def test_paper_folder_is_used_once_it_serves_the_figure(root):
    tmp_path, paper = root
    folder = tmp_path / "time-paper"
    assert find_results("time", [tmp_path], which="calibrate")[2].name == "time-quick"   # no finished run yet
    _write_run(folder, "ns1_seed0", paper, 1)
    _write_run(folder, "ns1_seed1", paper, 1, finished=False)
    assert find_results("time", [tmp_path], which="calibrate")[2].name == "time-quick"   # one seed: no band
    _write_run(folder, "ns1_seed1", paper, 1)
    spec, results, src = find_results("time", [tmp_path], which="calibrate")
    assert src.name == "time-paper" and is_paper_setting(spec)
    assert find_results("time", [tmp_path], which="predict")[2].name == "time-quick"     # no n_s = 5 run yet
    _write_run(folder, "ns5_seed0", paper, 5)
    _write_run(folder, "ns5_seed2", paper, 5)
    spec, results, src = find_results("time", [tmp_path], which="predict")
    assert src.name == "time-paper"
    text = settings_text(spec, results, (1, 5))
    assert "$n_b=32$" in text and "30,000 steps" in text and "20,000 samples" in text
    assert "$n_s=1$: 2 of 3 seeds" in text and "$n_s=5$: 2 of 3 seeds" in text


def test_quick_settings_are_not_called_the_paper_settings(root):
    tmp_path, _ = root
    spec, results, src = find_results("time", [tmp_path], which="predict")
    assert src.name == "time-quick" and not is_paper_setting(spec)
    assert "$n_b=16$" in settings_text(spec, results, (1,))
    with pytest.raises(ArgumentError, match="which"):
        find_results("time", [tmp_path], which="both")


def test_the_table_of_constants_reads_the_summaries_and_names_the_paper_values():
    """The table printed after Fig. 11: each fitted constant with its interval over seeds, the
    paper's value and the pooled and per-skill prediction errors, from the analysis of the
    committed runs."""
    import numpy as np

    from derivations.document.network_figures import results_table
    from numeric_check.closed_forms.calibration import analyse
    from numeric_check.networks.experiments import load_results

    rows = []
    for name in ("time-paper", "data-quick"):
        spec, results = load_results(REPOSITORY / "docs" / "results" / "nn" / name)
        summary = analyse(spec, results, rng=np.random.default_rng(0), n_boot=20, n_boot_seeds=100)
        rows.append((spec.experiment, spec, name, summary))
    table = results_table(rows)
    time_summary, data_summary = rows[0][3], rows[1][3]
    fit, boot = time_summary["fit"], time_summary["seed_bootstrap"]
    assert f"{fit['value']:.3g} [{boot['low']:.3g}, {boot['high']:.3g}] & $1/22$" in table
    assert f"& {time_summary['rms_skills_2_on']:.3f} &" in table
    for entry in data_summary["fits"]:                      # both laws of the data experiment
        assert f"{entry['fit']['value']:.0f} [" in table and f"& {entry['rms_skills_2_on']:.3f} &" in table
    assert "(Eq.~17)" in table and "($d_k/D_c$)" in table and "& 800 &" in table
    assert "\\texttt{time-paper} (K.1)" in table and "\\texttt{data-quick} (reduced)" in table
    assert table.count("\\\\\n") == 3                         # time and the two data laws (the header ends in \\midrule)
    assert results_table([]) == ""
