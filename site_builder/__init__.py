"""site_builder: static briefing sites that know about the actors in them."""

__version__ = "0.1.0"
