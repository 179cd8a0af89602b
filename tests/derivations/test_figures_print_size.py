"""Figures are drawn at the width the document shows them, so their text prints at 7 pt or more,
and captions keep the document's figure numbers apart from the paper's."""
import pytest

from derivations.document.figures import MIN_FONT_PT, TEXT_WIDTH_IN, figure_sets
from derivations.document.latex import _figures_latex, caption_text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["scaling", "extended", "networks"])
def test_every_figure_prints_its_text_at_seven_points_or_more(name, tmp_path):
    figures = figure_sets()[name].make(tmp_path)
    assert figures
    for fig in figures:
        printed_scale = min(1.0, TEXT_WIDTH_IN / fig.width_in)
        assert fig.min_font_pt * printed_scale >= 7.0, (fig.png.name, fig.min_font_pt, fig.width_in)
        assert fig.width_in <= TEXT_WIDTH_IN * 1.03, f"{fig.png.name} is drawn wider than the text"
    text = _figures_latex(figures, tmp_path)
    assert "\\linewidth" not in text          # included at natural size, not scaled


def test_minimum_font_is_at_least_seven_points():
    assert MIN_FONT_PT >= 7


@pytest.mark.parametrize("caption, expected", [
    ("Fig.~2: scaling laws.", "Scaling laws (reproduces the paper's Fig.~2)."),
    ("Fig.~1 reproduced: skill strength. More.", "Skill strength (reproduces the paper's Fig.~1). More."),
    ("Model-only curves of Fig.~1.", "Model-only curves of Fig.~1."),
])
def test_captions_do_not_read_figure_n_fig_m(caption, expected):
    assert caption_text(caption) == expected
