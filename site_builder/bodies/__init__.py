"""Rung 4: markdown to HTML with mentions woven in, packed as a build keeps them, rendered here or in workers."""
