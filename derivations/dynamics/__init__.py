"""Claims on the multilinear model and its dynamics (paper Sec. 3, App. A-C, H): the decoupled
sigmoid of Lemma 1, the one-shot learner, basis functions as skills, Saxe et al.'s modes and
the linear model."""
