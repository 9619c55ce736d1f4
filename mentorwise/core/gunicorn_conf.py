"""gunicorn settings that `mentorwise serve` adds (`--config python:mentorwise.core.gunicorn_conf`).

With `--preload`, gunicorn's parent process loads the application; `when_ready` runs in that
parent once the listening socket is open and before the first worker is forked, and warms it
(`core.warmup`), so that workers — the first ones and every replacement — start warm. What
is alive then is frozen out of the collector (`gc.freeze`, as Python's documentation advises
before forking): the workers' full collections skip it, and their copies of it stay shared.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from mentorwise.core.warmup import warm_process


def when_ready(server: Any) -> None:
    started = time.monotonic()
    warmed = warm_process()
    gc.collect()
    gc.freeze()
    server.log.info(
        "Warmed before forking: %d templates, %d languages in %.1f s",
        warmed.templates,
        warmed.languages,
        time.monotonic() - started,
    )
