import pytest

from kexie import guard


@pytest.fixture(autouse=True)
def _fresh_guard():
    # Each test starts from the term list in its own database state.
    guard.invalidate()
    yield
    guard.invalidate()
