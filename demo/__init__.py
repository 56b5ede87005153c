"""The demo municipality: a deterministic history played through the application's commands."""

from demo.loader import DemoSummary, load_demo

__all__ = ["DemoSummary", "load_demo"]
