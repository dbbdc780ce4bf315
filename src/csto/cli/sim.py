"""Commands over the crisis simulation: simulate (Monte Carlo on a scenario) and backtest (against history)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import answers
from ..answers.sim import check_calibration
from ..sim import params_for
from ..sim.montecarlo import DEFAULT_CHUNK, MIN_N, check_args
from .common import (
    DataOpt,
    Format,
    FormatOpt,
    console,
    day,
    emit_answer,
    emit_json,
    err_console,
    handles_errors,
    open_record,
    say,
    table,
)

PROGRESS_FROM = 200_000  # runs; below this a run takes well under a second

# What --help says of each command's output (paragraphs one string each: the help wraps them to the terminal).
SIMULATE_HELP = "\n\n".join([
    "Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost by state, who blocks.",
    "Every figure carries its Monte Carlo standard error (±) or its count (n). Outcome: the probability of each "
    "class, nothing < statement < consultations < mission < assistance < troops. Timing: days from the request "
    "to the decision, the first troops and the withdrawal, and the peak personnel, as p05 / p50 / p95 over the "
    "runs where they happen (not shown from fewer than 100).",
    "By state: P(sends), the share of runs in which the state sends troops; persons, the mean it sends when it "
    "does; cost, its mean cost over every run, in illustrative US dollars (the target never pays); P(blocks), "
    "the share in which it is the blocker under a consensus rule (the most reluctant voter, holding the decision "
    "below what the treaty allows); P(outvoted), the share in which a qualified majority decided more than it "
    "accepted; stance, its mean latent stance over the parameter sets (higher accepts stronger action, read "
    "against the cutpoints between the classes).",
    "The model, its assumptions and every JSON field: docs/simulation.md.",
])
BACKTEST_HELP = "\n\n".join([
    "Every historical crisis predicted leave-one-case-out and scored (Brier, log, CRPS) beside baselines.",
    "Each case is predicted by the model calibrated on the other cases only. Per case: actual, the outcome the "
    "record gives (? where it classifies it with doubt); predicted, the most likely class; p, the out-of-sample "
    "probability of what happened (higher is better); Brier, the multiclass Brier score of the case's forecast, "
    "the sum over the six classes of (probability - 1 if it happened, else 0) squared: 0 is perfect, 2 the "
    "worst. The log score is -ln p; the CRPS scores the days to decision. Mean scores (lower is better) stand "
    "beside three baselines (the most common class, the base rate, uniform), with the Monte Carlo error of "
    "--repeats calibrations.",
    "Method and measured scores: docs/simulation.md, \"csto backtest\".",
])


def _fmt(q: dict, unit: str = "") -> str:
    if q.get("p50") is None:
        return f"– (n={q.get('n', 0):,}, fewer than {MIN_N})" if q.get("n") else "–"
    return f"{q['p05']}{unit} / {q['p50']}{unit} / {q['p95']}{unit} (n={q['n']:,})"


def _p(value: float | None, se: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" + (f" ± {se:.3f}" if se is not None else "")


def _simulate_table(payload: dict) -> None:
    m = payload["model"]
    what_if = f", overlay {payload['overlay']}" if payload["overlay"] else ""
    say((payload["scenario"], "bold"), f" ({payload['date']}{what_if}): {payload['runs']:,} runs, seed {payload['seed']}; "
        f"target {m['target']}, formation {m['formation'] or '-'}, ceiling {m['ceiling']}")
    say(f"Decision rule: {m['rule']['title']} [{m['rule']['id']}]; parameters: {m['parameters']['source']} "
        f"({m['parameters']['sets']:,} sets, one drawn per replication)")
    say(f"P(request to the CSTO) {_p(payload['p_request'], payload['p_request_mcse'])}; no decision within "
        f"{m['horizon_days']:g} days {_p(payload['p_no_decision'], payload['p_no_decision_mcse'])}; "
        f"refused by the target {_p(payload['p_refused_by_target'], payload['p_refused_by_target_mcse'])}")
    console.print(table("Outcome (± Monte Carlo standard error)", ["class", "probability"],
                        [[k, _p(v, payload["outcomes_mcse"][k])] for k, v in payload["outcomes"].items()]))
    console.print(table("Timing (days from the request) and size", ["measure", "p05 / p50 / p95"], [
        ["days to decision", _fmt(payload["days_to_decision"])],
        ["days to first troops", _fmt(payload["days_to_first_troops"])],
        ["days to withdrawal", _fmt(payload["days_to_withdrawal"])],
        ["peak personnel", _fmt(payload["peak_personnel"])],
    ]))
    rows = []
    for s in m["states"]:
        per, cost = payload["personnel_by_state"][s], payload["cost_by_state"][s]
        rows.append([s, _p(per["p_contributes"]), "–" if per["mean_when_deployed"] is None else per["mean_when_deployed"],
                     f"{cost['mean'] / 1000:,.0f}k ± {cost['mean_mcse'] / 1000:,.0f}k", _p(payload["blocking"][s]),
                     _p(payload["outvoted"][s]), m["stance_mean"][s]])
    console.print(table("By state (cost: mean, illustrative US dollars)",
                        ["state", "P(sends)", "persons", "cost", "P(blocks)", "P(outvoted)", "stance"], rows))
    say(("P(sends): sends troops; persons: mean sent when troops go (– under "
         f"{MIN_N} deployments); stance: mean latent stance over the parameter sets (docs/simulation.md)", "dim"))
    top = payload["most_often_blocks"]
    say(f"Most often blocks: {top}" if top else "Most often blocks: nobody named", f" ({payload['most_often_blocks_why']})")
    for st, how in m["absent"].items():
        say((f"{st}: participation {how}: left out (neither votes nor contributes nor pays)", "dim"))
    for note in m["notes"]:
        say((f"note: {note}", "dim"))


ParticlesOpt = Annotated[int, typer.Option("--particles", help="parameter sets drawn from the priors")]
RepsOpt = Annotated[int, typer.Option("--reps", help="replications per parameter set and case")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0)")]
ScenariosOpt = Annotated[Path | None, typer.Option("--scenarios", help="scenario directory (default: scenarios/ beside the data)")]


def _backtest_table(result: dict) -> None:
    rows, timing = [], []
    for c in result["cases"]:
        p = c["predicted"]
        rows.append([c["crisis"], c["outcome"] + ("?" if c["uncertain"] else ""), p["outcome"],
                     f"{c['p_actual']:.2f}", f"{c['brier']:.3f}"])
        if c["days_to_decision"] is not None:
            timing.append([c["crisis"], f"{c['days_to_decision']:g}", f"{c['crps_days_to_decision']:g}"])
    st = result["settings"]
    say(f"Backtest, leave one case out: {st['particles']:,} parameter sets x {st['reps']} replications per case, "
        f"{st['repeats']} calibration(s) from seed {result['seed']} averaged")
    console.print(table(None, ["crisis", "actual", "predicted", "p", "Brier"], rows, compact=True))
    say(("p: the out-of-sample probability of what happened; ? marks an outcome the record classifies "
         "with doubt", "dim"))
    console.print(table("Days from the request to the decision, where recorded",
                        ["crisis", "actual", "CRPS"], timing))
    sc = result["scores"]
    def score(v: dict, key: str) -> str:
        return f"{v[key]:.3f}" + (f" ± {v[key + '_mcse']:.3f}" if v.get(key + "_mcse") is not None else "")

    console.print(table("Mean scores over the cases (lower is better; ± Monte Carlo error)",
                        ["forecast", "Brier", "log score"],
                        [[k.replace("_", " "), score(v, "brier"), score(v, "log")] for k, v in sc.items()]))
    cr = result["crps_days_to_decision"]
    say(f"CRPS of days to decision: model {cr['model']}, median of the other cases {cr['median_of_others']}; "
        f"Brier of P(request): model {result['request_brier']}, base rate {result['request_base_rate_brier']}")
    console.print(table("Reliability (every case x class forecast)", ["bin", "n", "mean forecast", "observed"],
                        [[r["bin"], r["n"], r["mean_forecast"] if r["n"] else "–", r["observed"] if r["n"] else "–"]
                         for r in result["reliability"]]))
    summary = result["summary"]
    if summary["beats_base_rate_beyond_noise"]:
        say("The model beats the base rate out of sample on both scores, by more than twice their Monte Carlo error.")
    elif summary["beats_base_rate"]:
        say("The model scores better than the base rate on both scores, but not by twice their Monte Carlo error "
            "on both: the difference is not established.")
    else:
        say("The model does NOT beat the base rate out of sample on both scores.")
    say((result["note"], "dim"))


def register(app: typer.Typer) -> None:
    @app.command(help=SIMULATE_HELP)
    @handles_errors
    def simulate(
        scenario: Annotated[Path, typer.Argument(help="scenario YAML (scenarios/*.yaml)")],
        runs: Annotated[int, typer.Option("--runs", "-n", help="replications (1 to 100,000,000)")] = 10_000,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0); same seed, same numbers")] = 0,
        chunk: Annotated[int, typer.Option("--chunk", help="replications held in memory at once (numbers do not depend on it)")] = DEFAULT_CHUNK,
        on: Annotated[str | None, typer.Option(
            "--on", help="simulate as of this date, YYYY-MM-DD: its law, members, forces and relations "
                         "(default: the event's date)")] = None,
        overlay: Annotated[Path | None, typer.Option(
            "--overlay", help="a treaty what-if overlay file (data/treaty/overlays/), e.g. stand-aside.yaml")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost by state, who blocks."""
        check_args(runs, seed, chunk)
        when = day(on, "--on")
        record = open_record(data)
        ask = functools.partial(answers.simulate, record, scenario=scenario, runs=runs, seed=seed, chunk=chunk,
                                on=when, overlay=overlay)
        if runs >= PROGRESS_FROM and format == Format.table:
            columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("runs", total=runs)
                full = ask(progress=lambda k: bar.advance(task, k))
        else:
            full = ask()
        if format == Format.json:
            emit_json(full)
        else:
            _simulate_table(full["result"])

    @app.command(help=BACKTEST_HELP)
    @handles_errors
    def backtest(
        particles: ParticlesOpt = 8192,
        reps: RepsOpt = 32,
        seed: SeedOpt = 0,
        repeats: Annotated[int, typer.Option("--repeats", help="calibrations from seeds S, S+1, ...: forecasts "
                                                               "averaged, scores with their Monte Carlo error")] = 3,
        scenarios: ScenariosOpt = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Every historical crisis predicted leave-one-case-out and scored (Brier, log, CRPS) beside baselines."""
        full = answers.backtest(open_record(data), particles=particles, reps=reps, seed=seed, repeats=repeats,
                                scenarios=scenarios)
        if format == Format.json:
            emit_json(full)
            return
        _backtest_table(full["result"])

    @app.command()
    @handles_errors
    def calibrate(
        particles: ParticlesOpt = 8192,
        reps: RepsOpt = 32,
        seed: SeedOpt = 0,
        out: Annotated[Path | None, typer.Option("--out", help="where to write the posterior (default: data/sim/posterior.json)")] = None,
        scenarios: ScenariosOpt = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Calibrate the crisis model on every crisis in the record and write the posterior it simulates from."""
        from ..analysis import calibrate as cal

        check_calibration(particles, reps, seed)
        record = open_record(data)
        params = params_for(record, check_sources=True)
        posterior = cal.calibrate(record, params, particles=particles, reps=reps, seed=seed, scenarios=scenarios)
        target = out or Path(params.files["decision"]).parent / "posterior.json"
        cal.write(posterior, target)
        brief = {k: v for k, v in posterior.items() if k != "particles"}
        if format == Format.json:
            emit_answer("calibrate", {"particles": particles, "reps": reps, "seed": seed, "out": out,
                                      "scenarios": scenarios}, record, {**brief, "written": str(target)})
            return
        say(f"Calibrated on {len(posterior['cases'])} crises: {particles:,} prior parameter sets x {reps} "
            f"replications each; effective sample size {posterior['effective_sample_size']:g}, "
            f"{posterior['distinct_sets']} distinct sets among the {len(posterior['particles']):,} kept")
        console.print(table("Parameters: prior centre (sd) and posterior mean (sd)", ["parameter", "prior", "posterior"],
                            [[k, f"{v['prior_centre']:g} ({v['prior_sd']:g})",
                              f"{v['posterior_mean']:g} ({v['posterior_sd']:g})"]
                             for k, v in posterior["parameters"].items()]))
        say(f"written: {target}")
