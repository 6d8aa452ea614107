"""The emulator's 11.5 generation, written as a change of v2.41: its handlers, JSON, request validation
and rules.
"""
