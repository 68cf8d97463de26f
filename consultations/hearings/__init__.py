"""Offline hearings (听证会) on a consultation: announced with a date, place
and seats; citizens apply; the department selects participants and
publishes the minutes."""
