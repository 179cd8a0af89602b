"""The neural networks of the paper's App. K: the two-layer ReLU MLP, the experiments that train it
(time, data, parameter emergence), and the optional PyTorch transformer."""
