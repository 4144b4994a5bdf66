"""The development SECRET_KEY: random, made once per checkout under ``var/``, never a constant.

``python -m aktionsfonds.devkey`` prints it (bin/run-dev hands it to the worker and beat, so the
links they write in e-mails open in the web server).
"""

import os
import secrets
import sys
from pathlib import Path


def dev_secret_key(var_dir):
    """The key in ``var_dir/secret_key``, created (readable by the owner only) on first use."""
    path = Path(var_dir) / "secret_key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = secrets.token_urlsafe(50)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
    return key


if __name__ == "__main__":
    from aktionsfonds.settings_paths import var_dir

    sys.stdout.write(dev_secret_key(var_dir()) + "\n")
