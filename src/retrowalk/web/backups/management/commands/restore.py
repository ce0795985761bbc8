"""``retrowalk-admin restore FILE.tar.gz``: a backup brought back into an empty studio (``--check``: only read it
through and compare every checksum)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from retrowalk.web.backups.archive import BackupError, check, restore


class Command(BaseCommand):
    help = "Restore a backup made by `retrowalk-admin backup` into an empty studio, checking it first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="FILE", help="the backup (.tar.gz)")
        parser.add_argument("--check", action="store_true",
                            help="only check the backup: read it whole and compare every checksum; change nothing")
        parser.add_argument("--replace", action="store_true",
                            help="overwrite a studio that is not empty (its database and uploaded files)")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            if options["check"]:
                manifest = check(archive, lambda line: self.stderr.write(line))
                self.stdout.write(f"{archive.name} is whole: the {manifest['engine']} database and "
                                  f"{len(manifest['files'])} files match their checksums (made {manifest['made']}).")
                return
            manifest = restore(archive, options["replace"], progress=lambda line: self.stderr.write(line))
        except BackupError as err:
            raise CommandError(str(err), returncode=2) from None
        call_command("migrate", interactive=False, verbosity=0)  # a backup from an older retrowalk, brought up
        self.stdout.write(f"Restored {archive.name} (made {manifest['made']}): the database and "
                          f"{len(manifest['files'])} uploaded files.")
