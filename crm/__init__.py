"""The write side of workplace-crm: aggregates, their events, and the commands."""
