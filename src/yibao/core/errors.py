"""The shape every named error of ours has: a stable `code` for programs, a Chinese `message`
for the person in front of the screen, and `details` (plain data) for a structured answer."""


class NamedError(Exception):
    code = "error"

    def __init__(self, message, **details):
        self.message = message
        self.details = details
        super().__init__(message)

    def as_dict(self):
        return {"code": self.code, "message": self.message, "details": self.details}
