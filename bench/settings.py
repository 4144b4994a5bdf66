"""Settings of the benchmark's gunicorn: the product's, plus the floor views of bench/floors.py."""

from aktionsfonds.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
