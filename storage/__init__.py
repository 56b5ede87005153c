"""Where the one database lives and how tables beside the event store are created.

The lowest layer: the write side (`crm/`) and the read side (`projections/`)
both build on it, and it imports neither.
"""
