"""A frozen copy of the scorer as it was before the issue-10 speed work: the oracle only.

tests/core/test_scoring_equivalence.py scores the same answers with this copy and with
interview_sim.core and asserts identical results. Do not "fix" or speed up this copy: change the
live code, and change this copy only when a scoring rule is changed on purpose (and say so).
"""
