"""Model architectures used by the course notebooks (plain ``torch.nn.Module`` classes)."""
