"""``retrowalk-admin backup -o FILE.tar.gz``: the database and the uploaded files, in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retrowalk.web.backups.archive import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and the uploaded files to one .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["output"])
        try:
            manifest = backup(out, progress=lambda line: self.stderr.write(line))
        except BackupError as err:
            raise CommandError(str(err), returncode=2) from None
        missing = f"; {len(manifest['missing'])} files were deleted while it ran" if manifest["missing"] else ""
        self.stdout.write(f"Backup written to {out} ({out.stat().st_size:,} bytes): the {manifest['engine']} "
                          f"database and {len(manifest['files'])} uploaded files{missing}. Check it with "
                          f"`retrowalk-admin restore {out} --check`.")
