"""The serving layer: Flask, Socket.IO, the real-time ticker. The only layer that knows wall time."""
