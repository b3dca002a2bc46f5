"""Operations: what an operator watches — keys, the flow runner, the outbox (issue 14)."""
