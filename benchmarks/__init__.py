"""The crisis model written with SimPy and with Mesa, timed beside csto.sim (see docs/benchmarks.md)."""
