"""The evaluation reports: a read model of each company's path through the stages over time, and the
figures (funnel, persistence, buy-in, commitments, delivery, RE-AIM) as plain data.

The figures are queries over the read models (this package's own tables and the outreach, leads,
users and agreements tables beside them); `projections/__init__.py` publishes them.
"""
