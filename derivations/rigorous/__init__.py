"""Claims on the rigorous scaling laws and their prefactors (paper App. J): the partial sums of
the zeta function, the per-skill loss bounds, the large-data limits and the constants A_T,
A_D, A_N, A_C."""
