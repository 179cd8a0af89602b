"""The registry of claims: one literal table of light metadata (id, title, the paper's equation
numbers, section, module), so listing the claims imports no claim and no SymPy. A claim is built
only when it is checked or rendered (:func:`get`), and the built claim's metadata must equal
its row here (the claim takes its title, equations and section from this table).

Adding a claim is adding its module and one row below.

Examples
--------
>>> "lemma-1" in REGISTRY
True
>>> REGISTRY["lemma-1"].equations[0]
'26'
>>> get("lemma-1").title == REGISTRY["lemma-1"].title
True
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from numeric_check.validation import ArgumentError

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from derivations.claim import Claim

__all__ = ["ClaimInfo", "REGISTRY", "SECTIONS", "get", "claims", "infos"]

_MODEL = "The multilinear model"
_STAGES = "Stage-like training"
_EXPONENTS = "Scaling laws: exponents"
_RIGOROUS = "Scaling laws: prefactors and rigorous results"
_EXTENDED = "The extended models"

SECTIONS = (_MODEL, _STAGES, _EXPONENTS, _RIGOROUS, _EXTENDED, "Neural networks")


@dataclass(frozen=True)
class ClaimInfo:
    """What is known of a claim without building it."""

    id: str
    title: str                      # plain text (Unicode maths), as ``emergence list`` prints it
    equations: tuple[str, ...]
    section: str
    module: str
    tex_title: str = ""             # the title as LaTeX, when it holds maths

    @property
    def latex_title(self) -> str:
        """The title as the LaTeX document prints it (maths typeset)."""
        from derivations.document.typeset import escape

        return self.tex_title or escape(self.title)

    def build(self) -> "Claim":
        """Import the claim's module and build the claim."""
        return importlib.import_module(self.module).claim()


_TABLE = (
    ClaimInfo("lemma-1", "Lemma 1: decoupled sigmoidal dynamics of each skill", ("26", "27", "29", "30", "31", "32", "33", "34", "35"), _MODEL, "derivations.dynamics.lemma_1_sigmoid"),
    ClaimInfo("lemma-2", "Lemma 2: the gradient of B_k stays in the column space of U", ("77", "78", "79", "80", "81", "82", "83"), _EXTENDED, "derivations.extended.lemma_2_gradient_span",
              tex_title='Lemma 2: the gradient of $\\vec B_k$ stays in the column space of $U$'),
    ClaimInfo("lemma-3", "Lemma 3: a_k² − |B_k|² is conserved", ("84", "85", "86", "87"), _EXTENDED, "derivations.extended.lemma_3_conservation",
              tex_title='Lemma 3: $a_k^2 - |\\vec B_k|^2$ is conserved'),
    ClaimInfo("lemma-4", "Lemma 4: Berry–Esseen bound for a binomial skill count", ("132",), _RIGOROUS, "derivations.rigorous.lemma_4_berry_esseen"),
    ClaimInfo("lemma-5", "Lemma 5: Gaussian expectation against the value at the mean", ("133", "134", "135", "136", "137", "138"), _RIGOROUS, "derivations.rigorous.lemma_5_gaussian_taylor"),
    ClaimInfo("lemma-6", "Partial sums of k^−σ (Montgomery–Vaughan)", ("149", "150"), _RIGOROUS, "derivations.rigorous.lemma_6_zeta_partial_sums",
              tex_title='Partial sums of $k^{-\\sigma}$ (Montgomery--Vaughan)'),
    ClaimInfo("lemma-7", "Skill-loss bounds, inflection point and max |F′|", ("177", "178", "179", "180", "181"), _RIGOROUS, "derivations.rigorous.lemma_7_skill_loss_bounds",
              tex_title="Skill-loss bounds, inflection point and $\\max|F'|$"),
    ClaimInfo("eq-8", "Skill loss in terms of the skill strength", ("8",), _MODEL, "derivations.dynamics.eq_8_loss_identity"),
    ClaimInfo("eq-11", "Empirical loss of the multilinear model: the skills decouple", ("11", "12", "128", "129"), _MODEL, "derivations.dynamics.eq_11_empirical_loss"),
    ClaimInfo("corollary-1", "Corollary 1: one sample of a skill suffices (one-shot learner)", ("36", "37"), _MODEL, "derivations.dynamics.corollary_1_one_shot"),
    ClaimInfo("corollary-2", "Corollary 2: a basis function is a skill", ("38", "39", "128"), _MODEL, "derivations.dynamics.corollary_2_basis"),
    ClaimInfo("corollary-3", "Large-data summary: Θ(max(N^−α, T^(−α/(α+1))))", ("230", "231", "232"), _RIGOROUS, "derivations.rigorous.corollary_3_large_data_summary",
              tex_title='Large-data summary: $\\Theta\\bigl(\\max(N^{-\\alpha}, T^{-\\alpha/(\\alpha+1)})\\bigr)$'),
    ClaimInfo("corollary-6", "Large-time summary: Θ(max(N^−α, D^(−α/(α+1))))", ("315", "316", "317"), _RIGOROUS, "derivations.rigorous.corollary_6_large_time_summary",
              tex_title='Large-time summary: $\\Theta\\bigl(\\max(N^{-\\alpha}, D^{-\\alpha/(\\alpha+1)})\\bigr)$'),
    ClaimInfo("eq-169", "Finite n_s: a rescaling of the loss and of time", ("169", "170"), _RIGOROUS, "derivations.rigorous.eq_169_finite_skills_rescaling",
              tex_title='Finite $n_s$: a rescaling of the loss and of time'),
    ClaimInfo("eq-182", "Decomposition of the learned-skill loss into M, E₁, E₂", ("182", "183", "184", "185", "186"), _RIGOROUS, "derivations.rigorous.eq_182_decomposition",
              tex_title='Decomposition of the learned-skill loss into $M$, $E_1$, $E_2$'),
    ClaimInfo("corollary-4", "Compute lower bound C^(−α/(α+2))", ("233", "234", "235"), _RIGOROUS, "derivations.rigorous.corollary_4_compute_bound",
              tex_title='Compute lower bound $C^{-\\alpha/(\\alpha+2)}$'),
    ClaimInfo("corollary-5", "Compute-law constant A_C and optimal allocation", ("250", "251", "329", "330"), _RIGOROUS, "derivations.rigorous.corollary_5_compute_constant",
              tex_title='Compute-law constant $A_C$ and optimal allocation'),
    ClaimInfo("proposition-1", "The D_c-shot learner: final skill strength (corrected Eq. 17)", ("15", "16", "17", "88", "104"), _EXTENDED, "derivations.extended.proposition_1_dc_shot",
              tex_title='The $D_c$-shot learner: final skill strength (corrected Eq.~17)'),
    ClaimInfo("proposition-2", "Proposition 2: emergence with width in the N_c model", ("18", "19", "20", "21", "109", "110", "111"), _EXTENDED, "derivations.extended.proposition_2_nc_width",
              tex_title='Proposition 2: emergence with width in the $N_c$ model'),
    ClaimInfo("proposition-3", "Large-D error bound for one skill", ("139", "140", "141", "142", "143", "146", "147", "148"), _RIGOROUS, "derivations.rigorous.proposition_3_large_d_skill",
              tex_title='Large-$D$ error bound for one skill'),
    ClaimInfo("proposition-4", "Large-D approximation error of the total loss", ("151", "152", "153", "157", "158", "159"), _RIGOROUS, "derivations.rigorous.proposition_4_large_d_loss",
              tex_title='Large-$D$ approximation error of the total loss'),
    ClaimInfo("proposition-5", "Finite number of skills: normalisation and tails", ("149", "150", "160", "161", "162", "163"), _RIGOROUS, "derivations.rigorous.proposition_5_finite_skills"),
    ClaimInfo("proposition-6", "Proposition 6: main terms and errors of the large-D loss", tuple(str(e) for e in range(187, 217)), _RIGOROUS, "derivations.rigorous.proposition_6_main_terms",
              tex_title='Proposition 6: main terms and errors of the large-$D$ loss'),
    ClaimInfo("proposition-7", "Small-r asymptotic of the time-law integral", ("252", "253", "254", "255", "256", "257", "258", "259"), _RIGOROUS, "derivations.rigorous.proposition_7_small_r",
              tex_title='Small-$r$ asymptotic of the time-law integral'),
    ClaimInfo("proposition-8", "Large-T gap to the converged loss", ("261", "263", "265", "266", "269", "273"), _RIGOROUS, "derivations.rigorous.proposition_8_large_t",
              tex_title='Large-$T$ gap to the converged loss'),
    ClaimInfo("proposition-9", "Proposition 9: the never-seen-skill sum as incomplete gamma functions", tuple(str(e) for e in range(277, 299)), _RIGOROUS, "derivations.rigorous.proposition_9_gamma_sum"),
    ClaimInfo("theorem-1", "Parameter-law constant A_N", ("217", "218", "219", "220", "221", "327"), _RIGOROUS, "derivations.rigorous.theorem_1_parameter_constant",
              tex_title='Parameter-law constant $A_N$'),
    ClaimInfo("theorem-2", "Theorem 2: time-law upper bound O((ηST)^(−α/(α+1)))", ("222", "223", "224"), _RIGOROUS, "derivations.rigorous.theorem_2_time_upper_bound",
              tex_title='Theorem 2: time-law upper bound $O\\bigl((\\eta ST)^{-\\alpha/(\\alpha+1)}\\bigr)$'),
    ClaimInfo("theorem-3", "Time-law lower bound constant κ", ("225", "226", "227", "228", "229"), _RIGOROUS, "derivations.rigorous.theorem_3_time_lower_bound",
              tex_title='Time-law lower bound constant $\\kappa$'),
    ClaimInfo("theorem-4", "Time-law constant A(λ) and A_T", ("236", "237", "238", "239", "321"), _RIGOROUS, "derivations.rigorous.theorem_4_time_constant",
              tex_title='Time-law constant $A(\\lambda)$ and $A_T$'),
    ClaimInfo("theorem-5", "Data-law constant A_D and its finite-N form", ("274", "289", "299", "300", "301", "302", "324"), _RIGOROUS, "derivations.rigorous.theorem_5_data_constant",
              tex_title='Data-law constant $A_D$ and its finite-$N$ form'),
    ClaimInfo("eq-14", "Calibration constant B: time emergence of the extended model", ("13", "14"), _EXTENDED, "derivations.extended.eq_14_calibration",
              tex_title='Calibration constant $B$: time emergence of the extended model'),
    ClaimInfo("eq-25", "Saxe et al.: independent sigmoidal modes of a two-layer linear network", ("22", "23", "24", "25"), _MODEL, "derivations.dynamics.eq_25_saxe_modes"),
    ClaimInfo("eq-40", "Emergent and saturation times of a skill", ("40",), _STAGES, "derivations.stages.eq_40_emergence_times"),
    ClaimInfo("eq-41", "Stage-like training: skill k saturates before skill k+1 emerges", ("41",), _STAGES, "derivations.stages.eq_41_stage_like",
              tex_title='Stage-like training: skill $k$ saturates before skill $k+1$ emerges'),
    ClaimInfo("eq-46", "Stage-like heuristic for the time exponent", ("42", "43", "44", "45", "46"), _EXPONENTS, "derivations.exponents.eq_46_stage_heuristic"),
    ClaimInfo("eq-125", "Linear model: exponential saturation without delay", ("124", "125"), _MODEL, "derivations.dynamics.eq_125_linear_model"),
    ClaimInfo("eq-126", "Linear-model versions: same data and parameter emergence, exponential time dynamics", ("124", "125", "126", "127"), _EXTENDED, "derivations.extended.eq_126_linear_versions"),
    ClaimInfo("appendix-e1", "Time exponent by integration by parts; finite-N correction", ("47", "48", "49", "50", "51", "52", "53", "54", "55", "56"), _EXPONENTS, "derivations.exponents.appendix_e1_time_exponent",
              tex_title='Time exponent by integration by parts; finite-$N$ correction'),
    ClaimInfo("appendix-e2", "Data exponent from the one-shot learner", ("57", "58", "59", "60", "61", "62", "63", "64", "65"), _EXPONENTS, "derivations.exponents.appendix_e2_data_exponent"),
    ClaimInfo("appendix-e3", "Parameter exponent", ("66", "67"), _EXPONENTS, "derivations.exponents.appendix_e3_parameter_exponent"),
    ClaimInfo("appendix-e4", "Compute exponent by Lagrange multipliers", ("68", "69", "70", "71", "72", "73", "74", "75", "76"), _EXPONENTS, "derivations.exponents.appendix_e4_compute_exponent"),
    ClaimInfo("appendix-g", "Appendix G: gradient flow of the width-3 ReLU network", ("112", "113", "114", "118", "119", "120", "121", "122", "123"), _EXTENDED, "derivations.extended.appendix_g_width3",
              tex_title='Appendix G: gradient flow of the width-3 ReLU network'),
)

REGISTRY: dict[str, ClaimInfo] = {info.id: info for info in _TABLE}


def infos(ids: list[str] | None = None) -> list[ClaimInfo]:
    """Metadata of the given ids (validated), or of every claim, in document order."""
    if ids:
        for claim_id in ids:
            _info(claim_id)
        return [REGISTRY[i] for i in ids]
    rank = {name: i for i, name in enumerate(SECTIONS)}
    return sorted(REGISTRY.values(), key=lambda info: rank[info.section])


def _info(claim_id: str) -> ClaimInfo:
    if claim_id not in REGISTRY:
        raise ArgumentError(f"claim id must be one of {', '.join(REGISTRY)}; got {claim_id!r}")
    return REGISTRY[claim_id]


@lru_cache(maxsize=None)
def get(claim_id: str) -> "Claim":
    """The claim with id ``claim_id`` (e.g. ``"lemma-1"``), built on first use."""
    info = _info(claim_id)
    claim = info.build()
    if (claim.id, claim.title, claim.equations, claim.section) != (info.id, info.title, info.equations, info.section):
        raise RuntimeError(f"{info.module} built a claim whose metadata differs from its registry row {info.id}")
    return claim


def claims(ids: list[str] | None = None) -> Iterator["Claim"]:
    """Claims in document order (sections, then registry order), or the given ids."""
    selected = infos(ids)      # validates every id before building any
    yield from (get(info.id) for info in selected)
