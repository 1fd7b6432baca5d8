"""The client address behind the proxies: lockout and audit log count the real client."""

import pytest
from django.urls import reverse

from kexie.accounts.addresses import resolve_client_address, trusted_proxies
from kexie.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.20"


@pytest.fixture
def behind_proxy(settings):
    settings.KEXIE_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD, is_staff=True)


def login(client, username, password, *, peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def signed_in(response):
    return response.status_code == 302 and response.url == "/admin/"


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # No trusted proxy in front: the TCP peer, whatever the header says.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # Our proxy appended the client; the client's own forged entry is further left.
        (PROXY, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # Two of our proxies in a row.
        (PROXY, "203.0.113.9, 127.0.0.1", "203.0.113.9"),
        # Garbage appended by the client is never believed past our proxy's hop.
        (PROXY, "not-an-address", PROXY),
        # A proxy without the header: the proxy itself is all we know.
        (PROXY, None, PROXY),
        ("::ffff:203.0.113.9", None, "203.0.113.9"),
        (PROXY, "[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_forwarded_for_is_read_only_as_far_as_our_proxies_vouch(
    behind_proxy, peer, forwarded, expected
):
    assert resolve_client_address(peer, forwarded, trusted_proxies()) == expected


def test_without_configured_proxies_the_header_is_ignored(settings):
    settings.KEXIE_TRUSTED_PROXIES = []
    assert resolve_client_address("127.0.0.1", "203.0.113.9", trusted_proxies()) == "127.0.0.1"


def test_lockout_counts_the_real_client_not_the_proxy(client, alice, behind_proxy):
    for _ in range(5):
        login(client, "alice", "wrong-password", peer=PROXY, forwarded=ATTACKER)
    assert login(client, "alice", PASSWORD, peer=PROXY, forwarded=ATTACKER).status_code == 429
    # Everyone else comes through the same proxy and is not locked out.
    assert signed_in(login(client, "alice", PASSWORD, peer=PROXY, forwarded=COLLEAGUE))


def test_a_forged_header_does_not_escape_the_lock(client, alice, behind_proxy):
    # The attacker sends its own X-Forwarded-For, nginx appends the real peer.
    for number in range(5):
        login(client, "alice", "wrong", peer=PROXY, forwarded=f"192.0.2.{number}, {ATTACKER}")
    locked = login(client, "alice", PASSWORD, peer=PROXY, forwarded=f"192.0.2.99, {ATTACKER}")
    assert locked.status_code == 429


def test_a_forged_header_from_outside_cannot_lock_a_colleague(client, alice, behind_proxy):
    # A client talking to the app server directly claims to be the colleague.
    for _ in range(6):
        login(client, "alice", "wrong", peer=ATTACKER, forwarded=COLLEAGUE)
    assert signed_in(login(client, "alice", PASSWORD, peer=PROXY, forwarded=COLLEAGUE))


def test_no_source_locks_out_staff_signing_in_elsewhere(
    client, alice, behind_proxy, settings, django_user_model
):
    settings.KEXIE_ADDRESS_FAILURE_LIMIT = 10
    django_user_model.objects.create_user("bob", password=PASSWORD, is_staff=True)
    for number in range(60):  # made-up names, then real ones, all from one source
        login(client, f"nobody{number}", "wrong", peer=PROXY, forwarded=ATTACKER)
    for _ in range(6):
        login(client, "alice", "wrong", peer=PROXY, forwarded=ATTACKER)
        login(client, "bob", "wrong", peer=PROXY, forwarded=ATTACKER)
    assert login(client, "bob", PASSWORD, peer=PROXY, forwarded=ATTACKER).status_code == 429
    assert signed_in(login(client, "alice", PASSWORD, peer=PROXY, forwarded=COLLEAGUE))


def test_audit_log_records_the_real_client(client, alice, behind_proxy):
    login(client, "alice", "wrong", peer=PROXY, forwarded=f"192.0.2.1, {ATTACKER}")
    assert signed_in(login(client, "alice", PASSWORD, peer=PROXY, forwarded=COLLEAGUE))
    failed = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED)
    assert failed.ip_address == ATTACKER
    assert AuditEntry.objects.get(action=AuditEntry.Action.LOGIN).ip_address == COLLEAGUE
