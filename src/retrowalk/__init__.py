"""retrowalk: plans, guides and records backward-walking sessions."""

__version__ = "0.1.0"
