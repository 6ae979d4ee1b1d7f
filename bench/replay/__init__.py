"""The national replay benchmark (bench/national_replay.py), one job per module."""
