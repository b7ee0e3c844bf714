"""Development mail: printed on the console as a person reads it.

Django's console backend prints the raw MIME message, whose quoted-printable encoding
breaks long lines with "=" and turns "=" into "=3D", so the confirmation link README
tells newcomers to copy came out broken. This one prints the headers that matter and
the plain-text body as written; links stay whole and clickable.
"""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            message.body.rstrip("\n"),
        ]
        others = [mimetype for _, mimetype in getattr(message, "alternatives", [])]
        if others:
            lines += ["", f"(also sent as {', '.join(others)}; the text above is the same mail)"]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
