"""Claims on the extended models (paper Sec. 6, App. F, G, I): the calibrated time model
(Eq. 14), the D_c-shot learner, the N_c width model, their linear versions and the width-3
network of App. G."""
