"""KIP-848's consumer rebalance protocol (group.protocol=consumer): coordinator, consumer, group."""
