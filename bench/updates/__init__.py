"""The parts of bench/bench_updates.py: baseline, durable bot, drivers, reports."""
