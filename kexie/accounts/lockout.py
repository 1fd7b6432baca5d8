"""
Sign-in lockout with two limits (django-axes handler).

Axes compares one failure count with one limit, taking the largest count over
its AXES_LOCKOUT_PARAMETERS. We want two limits: the pair of account and
address locks after AXES_FAILURE_LIMIT failures, the address alone only after
KEXIE_ADDRESS_FAILURE_LIMIT (many more), because a whole office often shares
one public address and one attacker must not lock every colleague out. So
AXES_LOCKOUT_PARAMETERS lists the pair first and the address second, and this
handler reports the pair's count, or the pair limit once the address alone has
reached its own limit.

The address-only count includes only failures for accounts that exist: a made-up
user name can never sign in, so guessing names is harmless and must not lock a
real colleague out of a shared office address (the issue: 50 made-up names
locked every staff member out). Spraying passwords over real accounts from one
address still stops at the address limit. Both counts are per real client
address (kexie.accounts.addresses), so no source locks out anyone signing in
from another address.

A successful sign-in clears only that account's failures from that address,
so a colleague signing in does not wipe the count of an attacker next door.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum


def _pair_limit(request, credentials):
    from axes.helpers import get_failure_limit

    return get_failure_limit(request, credentials)


def _total(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class TwoLimitAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        attempts_list = self.get_user_attempts(request, credentials)
        if not attempts_list:
            return 0
        pair = _total(attempts_list[0])
        User = get_user_model()
        existing = User._default_manager.values(User.USERNAME_FIELD)
        address = max(
            (_total(attempts.filter(username__in=existing)) for attempts in attempts_list[1:]),
            default=0,
        )
        if address >= settings.KEXIE_ADDRESS_FAILURE_LIMIT:
            return max(pair, _pair_limit(request, credentials))
        return pair

    def reset_user_attempts(self, request, credentials=None):
        attempts_list = self.filter_user_attempts(request, credentials)
        if not attempts_list:
            return 0
        count, _ = attempts_list[0].delete()
        return count
