"""Scoring predictions against ground truth, used by every benchmark and test."""
