"""csto: an executable model of the Collective Security Treaty Organization."""

__version__ = "0.1.0"
