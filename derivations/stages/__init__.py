"""Claims on stage-like training (paper Sec. 4, App. D): emergence and saturation times (Eq. 40)
and the stage-like condition (Eq. 41)."""
