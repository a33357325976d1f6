"""Rung 9: the stage order. `Build` runs the steps of one build (load, bodies, link, plan, render);
`Builder` writes, indexes and carries the memo from one build to the next."""
