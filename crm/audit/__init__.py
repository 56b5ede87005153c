"""The audit trail: a hash chain over the notification log, its verification, and the export for external audit."""
