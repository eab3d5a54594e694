"""The classroom: lessons, narration of events, the seed's probability model, the exported report."""
