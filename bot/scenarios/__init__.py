"""Scenario tests of flows: patient stories run through the engine, with expectations."""

from bot.scenarios.model import Scenario, ScenarioFile, load_scenarios
from bot.scenarios.runner import Result, run_scenario

__all__ = ["Result", "Scenario", "ScenarioFile", "load_scenarios", "run_scenario"]
