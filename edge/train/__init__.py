"""Training, export and quantization of the on-device models (extra ``train``: PyTorch)."""
