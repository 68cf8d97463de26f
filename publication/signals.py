"""Signals the publication app sends.

``case_published`` is sent once a moderator approves a case for the public
side (after the approval has committed): ``sender`` is the ``Case`` class,
``case`` the published case and ``by`` the moderator who approved it.
"""

from django.dispatch import Signal

case_published = Signal()
