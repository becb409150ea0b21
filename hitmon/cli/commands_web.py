"""Commands of the web (its helper fills this in)."""

COMMANDS: list = []
