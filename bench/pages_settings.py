"""Production settings (from the environment) with the benchmark's URLconf."""

from kexie.settings import *  # noqa: F403
from kexie.settings import KEXIE_PAGE_CACHE_EXCLUDED_PATHS

ROOT_URLCONF = "bench.pages_urls"
# The yardsticks are measured as plain Django views, never from the page cache.
KEXIE_PAGE_CACHE_EXCLUDED_PATHS = [*KEXIE_PAGE_CACHE_EXCLUDED_PATHS, "/bench/"]
