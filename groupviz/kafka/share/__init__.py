"""Share groups (KIP-932): records handed to members one at a time under acquisition locks."""
