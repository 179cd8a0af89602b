"""Claims on the scaling-law exponents (paper Sec. 5, App. E): time, data, parameters and
compute, and the stage heuristic of Eq. 46."""
