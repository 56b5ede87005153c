"""Signing in as a public authority needs it: throttling, the sign-in log, ending sessions.

Three tables beside the credentials, each defined once in its module:
`crm_sign_in_throttle` (throttle.py), `crm_sign_in_log` (log.py) and
`crm_session_generations` (sessions.py). The use cases that combine them are in
crm/commands/sign_in.py; the password rules stay in crm/credentials.py.
"""
