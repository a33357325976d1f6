"""Rung 11: the command line, one module per command; `main` parses and loads a command only when it runs."""
