"""Skill-frequency laws of the variants: power law, cutoff, CSV tables (read, never evaluated)."""
import mpmath
import pytest

from numeric_check.validation import ArgumentError
from symbolic.frequencies import cutoff_law, frequency_law, power_law, table_law


def test_power_law_is_eq_1_at_infinite_n_s():
    law = power_law(alpha=0.6)
    assert abs(law.probability(3) - mpmath.mpf(3) ** -1.6 / mpmath.zeta(1.6)) < 1e-15
    total = sum(law.probability(k) for k in range(1, 2000)) + mpmath.zeta(1.6, 2000) / mpmath.zeta(1.6)
    assert abs(total - 1) < 1e-12
    assert law.has_exponents


def test_cutoff_law_is_normalised_and_falls_faster():
    law = cutoff_law(alpha=0.6, kc=5)
    assert abs(sum(law.probability(k) for k in range(1, 400)) - 1) < 1e-12
    ratio = law.probability(20) / law.probability(10)
    assert abs(ratio - 2 ** -1.6 * mpmath.exp(-2)) < 1e-12
    assert not law.has_exponents


@pytest.mark.parametrize("text", ["k,P\n1,0.5\n2,0.3\n3,0.2\n", "1,50\n2,30\n3,20\n", "1, 5\n2, 3\n\n3, 2\n"])
def test_tables_of_probabilities_or_counts_are_normalised(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text)
    law = table_law(path)
    assert [round(float(law.probability(k)), 12) for k in (1, 2, 3, 4)] == [0.5, 0.3, 0.2, 0.0]


@pytest.mark.parametrize("text, match", [
    ("", "no rows"),
    ("k,P\n", "no rows"),
    ("1,0.5\n2,-0.1\n", ">= 0"),
    ("1,0\n2,0\n", "positive"),
    ("1,nan\n", "finite"),
    ("1,inf\n", "finite"),
    ("1,__import__('os').system('true')\n", "must be a number"),
    ("2,0.5\n", "k must be 1"),
    ("1,0.5,7\n", "two columns"),
])
def test_bad_tables_are_one_line(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ArgumentError, match=match) as info:
        table_law(path)
    assert "\n" not in str(info.value)


def test_names_and_missing_arguments(tmp_path):
    assert frequency_law(None, alpha=0.6).kind == "powerlaw"
    with pytest.raises(ArgumentError, match="--kc"):
        frequency_law("cutoff", alpha=0.6)
    with pytest.raises(ArgumentError, match="powerlaw, cutoff or a FILE.csv"):
        frequency_law("zipf", alpha=0.6)
    with pytest.raises(ArgumentError, match="cannot read"):
        frequency_law(str(tmp_path / "missing.csv"), alpha=0.6)
    with pytest.raises(ArgumentError, match="--alpha"):
        power_law(alpha=-1)


def test_huge_counts_are_normalised_by_the_largest_first(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("1,1e308\n2,1e308\n")
    assert table_law(table).table == (0.5, 0.5)


def test_a_lone_non_numeric_row_is_called_not_numbers(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("a,b\n")
    with pytest.raises(ArgumentError, match="is not numbers"):
        table_law(table)


def test_too_many_rows_are_refused_before_parsing(tmp_path):
    from symbolic.frequencies import MAX_ROWS

    table = tmp_path / "t.csv"
    table.write_text("1,1\n" * (MAX_ROWS + 5))
    with pytest.raises(ArgumentError, match="at most"):
        table_law(table)
