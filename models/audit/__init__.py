"""The audit area: reading the chain (models/core/audit.py writes and verifies it)."""
