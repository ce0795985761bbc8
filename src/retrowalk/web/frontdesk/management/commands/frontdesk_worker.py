"""``retrowalk-admin frontdesk_worker``: the studio's periodic work, forever (or ``--once``): sends due reminders,
and queues again the job of any import or knee check whose worker died (recover_stalled in recordings/services
and recordings/knee). Run one or several
in a real deployment; each reminder still goes out once (services.send_due_reminders claims it first), and an
import is claimed by one job at a time."""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from retrowalk.web.frontdesk.services import send_due_reminders
from retrowalk.web.recordings import knee
from retrowalk.web.recordings.services import recover_stalled


class Command(BaseCommand):
    help = "Send due reminders and retry stalled imports and knee checks, every --every seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--every", type=float, default=60.0, help="seconds between passes (default 60)")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = f"{socket.gethostname()}:{os.getpid()}"
        while True:
            sent = send_due_reminders(worker)
            if sent:
                self.stdout.write(f"{sent} reminder(s) sent")
            retried = recover_stalled()
            if retried:
                self.stdout.write(f"{retried} stalled import(s) queued again")
            rechecked = knee.recover_stalled()
            if rechecked:
                self.stdout.write(f"{rechecked} stalled knee check(s) queued again")
            if options["once"]:
                return
            time.sleep(options["every"])
