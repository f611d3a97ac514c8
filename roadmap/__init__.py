"""Programmes (waves), participations, roadmap templates, milestones and their evidence."""
