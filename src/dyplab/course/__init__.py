"""Course-material checks: solution blocks and student text of the notebooks."""
