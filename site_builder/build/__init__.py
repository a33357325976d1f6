"""The stage order: `Build` runs the steps of one build; `Builder` writes, indexes and carries state between builds."""
