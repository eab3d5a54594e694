"""Classic consumer groups: the JoinGroup/SyncGroup protocol, eager and cooperative rebalancing."""
