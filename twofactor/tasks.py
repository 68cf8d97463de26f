"""Telling a person by e-mail that two-factor authentication was turned on
or off on their account, that new backup codes were made, or that a backup
code was used to log in: if it was not them, they know at once."""

from celery import shared_task

from portal.claims import task_claim, task_claim_release
from portal.mail import send_templated_mail

CHANGES = ("confirmed", "removed", "backup_codes_made", "backup_code_used")


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_two_factor_change(self, user_id: int, change: str) -> bool:
    from django.conf import settings

    from accounts.models import User
    from twofactor.selectors import backup_codes_left

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or change not in CHANGES:
        return False
    # The same message delivered twice sends one e-mail.
    claim = f"two-factor-notice:{self.request.id}"
    if self.request.id and not task_claim(claim):
        return False
    try:
        send_templated_mail(to=user.email, template="two_factor_changed",
                            context={"user": user, "change": change, "backup_codes_left": backup_codes_left(user)},
                            language=settings.LANGUAGE_CODE)
    except Exception:
        task_claim_release(claim)
        raise
    return True
