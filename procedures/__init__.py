"""The administrative-procedure catalogue (fields, procedures) and each commune's QMS scope."""
