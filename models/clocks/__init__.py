"""Waiting clocks: every state a case waits in has a clock (issue 18)."""
