"""Tidy Todo's backend: a small FastAPI app, test material for the harness (see ../README.md)."""
