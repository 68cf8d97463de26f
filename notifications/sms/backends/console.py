"""Each text printed on standard output, for a developer's terminal."""

import sys

from notifications.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message) -> str:
        self.stream.write(f"SMS to {message.to} ({message.kind}): {message.text}\n")
        self.stream.flush()
        return self.new_id()
