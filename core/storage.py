"""Local media storage that never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class MediaStorage(FileSystemStorage):
    """FileSystemStorage that removes its partial file when writing fails (disk full…).

    Django's own `_save` creates the file, then writes chunks; if a write fails
    the truncated file stays on disk, pointed to by nothing.
    """

    def _save(self, name, content):
        existed = self.exists(name)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(self.path(name))
            raise
