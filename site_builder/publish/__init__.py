"""Rung 10: after a build: link checks of the output folder, and publishing to a git branch or a folder."""
