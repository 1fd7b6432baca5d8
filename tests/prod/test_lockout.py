"""
Sign-in lockout through nginx, with clients on different loopback addresses.

nginx replaces X-Forwarded-For with the TCP peer's address and the app trusts
it only from KEXIE_TRUSTED_PROXIES (127.0.0.1 in the stack), so each source
address below is a different client to the lockout.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.prod.stack import site

pytestmark = pytest.mark.usefixtures("reset_lockouts")


def fail(client, username, times):
    token = client.csrf_token("/admin/login/")
    for _ in range(times):
        client.sign_in(username, "wrong-password-" + uuid.uuid4().hex[:6], token=token)


def signs_in(client, username, password):
    response = client.sign_in(username, password)
    return response.status == 302 and "/admin/" in response.header("location")


def test_an_attackers_failures_do_not_lock_out_the_staff_member_elsewhere(stack, make_stack_staff):
    username, password = make_stack_staff(f"clerk{uuid.uuid4().hex[:6]}")
    attacker = site(stack, source="127.0.0.2")
    fail(attacker, username, 6)
    # The attacker is now refused even with the right password ...
    assert not signs_in(site(stack, source="127.0.0.2"), username, password)
    # ... but the staff member at the office signs in.
    assert signs_in(site(stack, source="127.0.0.3"), username, password)


def test_failures_for_made_up_names_never_lock_real_staff(stack, make_stack_staff):
    username, password = make_stack_staff(f"editor{uuid.uuid4().hex[:6]}")
    attacker = site(stack, source="127.0.0.4")
    token = attacker.csrf_token("/admin/login/")

    def guess(number):
        # A client per thread; each sign-in costs a password hash, so four at a time.
        bot = site(stack, source="127.0.0.4", cookies=dict(attacker.cookies))
        return bot.sign_in(f"nobody{number}", "guess-1234", token=token).status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(guess, range(55)))
    # Made-up names count towards no limit (README, "Accounts"): more than the address
    # limit of them locks nobody, not even a colleague at the attacker's own address.
    assert 429 not in statuses
    assert signs_in(site(stack, source="127.0.0.4"), username, password)
    assert signs_in(site(stack, source="127.0.0.5"), username, password)


def test_a_forged_forwarded_for_header_does_not_change_the_clients_address(stack, make_stack_staff):
    username, password = make_stack_staff(f"reviewer{uuid.uuid4().hex[:6]}")
    forger = site(stack, source="127.0.0.6")
    forger.extra_headers["X-Forwarded-For"] = "127.0.0.7"
    fail(forger, username, 6)
    # The failures were counted against the forger's real address ...
    assert not signs_in(site(stack, source="127.0.0.6"), username, password)
    # ... not against the address it claimed, whose owner still signs in.
    assert signs_in(site(stack, source="127.0.0.7"), username, password)
