"""Analyses built on the record, the treaty and the simulation: the backtest against history, and more."""
