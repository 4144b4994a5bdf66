"""Where ``var/`` is, without loading the settings (manage.py needs it before they load)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def var_dir():
    return Path(os.environ.get("AKTIONSFONDS_VAR_DIR", BASE_DIR / "var"))
