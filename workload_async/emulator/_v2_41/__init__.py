"""The emulator's v2.41 generation: its handlers, JSON and request validation."""
