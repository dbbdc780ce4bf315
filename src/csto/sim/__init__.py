"""Crisis simulation: the member decision model, the crisis process, and a vectorised Monte Carlo.

The flow: ``compile(scenario, record, params) -> CrisisModel`` (plain numbers; :mod:`csto.sim.model`
documents how one replication is sampled), then :func:`run` (flat memory, a summary) or
:func:`simulate` (every replication) and :func:`summarize` from :mod:`csto.sim.montecarlo`.
"""

from .compile import Settings, compile, situation_from
from .decisions import Situation
from .model import FACTORS, OUTCOMES, TROOPS, CrisisModel, ModelError, after_refusal, asked_class, refusable
from .montecarlo import BLOCK, Outcomes, SimulationError, block_streams, run, sample_block, simulate, summarize
from .params import Params, params_for
from .params import load as load_params

__all__ = ["BLOCK", "FACTORS", "OUTCOMES", "TROOPS", "CrisisModel", "ModelError", "Outcomes", "Params",
           "Settings", "SimulationError", "Situation", "after_refusal", "asked_class", "block_streams", "compile",
           "load_params", "params_for", "refusable", "run", "sample_block", "simulate", "situation_from", "summarize"]
