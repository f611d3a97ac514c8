"""Internal audits, management reviews, DOST inspections, findings, corrective actions, announcements."""
