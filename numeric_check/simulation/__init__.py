"""What is simulated from the loss: the multitask sparse parity data, gradient descent of the
multilinear model, the extended models, the width-3 network and the two-layer linear network."""
