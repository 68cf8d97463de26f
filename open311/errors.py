"""The errors a GeoReport client is sent: a list of {code, description}
with the HTTP status the spec gives (404 for what does not exist, 403 for a
missing or wrong api_key, 400 for anything else)."""


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(*descriptions)
        self.status = status
        self.errors = [(status, description) for description in descriptions]


class BadRequest(Open311Error):
    def __init__(self, *descriptions):
        super().__init__(400, *descriptions)


class Forbidden(Open311Error):
    def __init__(self, *descriptions):
        super().__init__(403, *descriptions)


class NotFound(Open311Error):
    def __init__(self, *descriptions):
        super().__init__(404, *descriptions)
