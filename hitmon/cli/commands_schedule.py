"""Commands of the schedule (its helper fills this in)."""

COMMANDS: list = []
