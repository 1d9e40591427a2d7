"""Channels render engine replies and map a person's input to engine events."""
