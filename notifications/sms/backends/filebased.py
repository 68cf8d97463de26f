"""Each text as a file in settings.SMS_FILE_PATH (var/sms/ in the embedded
default, where the demo's sign-in codes are read), newest last by name."""

from django.conf import settings
from django.utils import timezone

from notifications.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message) -> str:
        folder = settings.SMS_FILE_PATH
        folder.mkdir(parents=True, exist_ok=True)
        message_id = self.new_id()
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{stamp}-{message_id[:8]}.txt"
        path.write_text(f"To: {message.to}\nKind: {message.kind}\n\n{message.text}\n", encoding="utf-8")
        return message_id
