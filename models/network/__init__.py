"""A network of Amparo instances: peers, signed requests, consented referrals and
co-funding checks by private set intersection (docs/network.md)."""
