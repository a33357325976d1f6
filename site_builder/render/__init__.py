"""Rung 6: pages: the page plan, view objects, templates, assets, list rows and network layouts."""
