"""What every SMS backend offers: send one text, return its id."""

import uuid


class BaseSmsBackend:
    def send(self, message) -> str:
        raise NotImplementedError

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex
