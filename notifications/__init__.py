"""Reminders: what each person has to act on, the daily digest mail, the in-page list and each user's preferences."""
