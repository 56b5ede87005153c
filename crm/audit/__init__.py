"""The audit trail: a hash chain over the notification log, its verification, the export for external audit,
and the one public way to read the stored events themselves (crm/audit/log.py)."""
