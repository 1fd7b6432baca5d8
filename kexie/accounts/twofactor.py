"""
Optional two-factor sign-in (TOTP, with django-otp) for the accounts that can do the most harm.

With ``KEXIE_REQUIRE_2FA=1``, a superuser or a site admin (站点管理员) who has
signed in with a password must also give a code from an authenticator app
before any other page: the first time, they set the app up (a QR code) and
receive ten single-use recovery codes (django-otp's static device) for when
the phone is lost. Everyone else signs in as before.
"""

import io

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kexie.accounts.roles import SITE_ADMIN

RECOVERY_CODES = 10
# Reachable before the second step: the step itself, signing out, and files.
EXEMPT_PREFIXES = ("/admin/2fa/", "/admin/logout/", "/admin/jsi18n/", "/static/", "/media/")


def requires_second_factor(user):
    if not getattr(settings, "KEXIE_REQUIRE_2FA", False) or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=SITE_ADMIN).exists()


class RequireTwoFactorMiddleware:
    """Send a privileged user who has not given their second factor to that step."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_second_factor(user)
            and not user.is_verified()
        ):
            has_device = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
            step = "kexie:2fa-verify" if has_device else "kexie:2fa-setup"
            return redirect(f"{reverse(step)}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The six digits your authenticator app shows, or one recovery code."),
    )


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _audit(request, event, action="account"):
    from kexie import audit

    audit.record(
        action=action, request=request, target=f"user #{request.user.pk}", details={"event": event}
    )


def _context(request, **extra):
    return {**admin.site.each_context(request), "next": _next_url(request), **extra}


def _qr_svg(url):
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    # Drop the XML declaration: the SVG goes inline into the page.
    return buffer.getvalue().decode().split("?>", 1)[-1]


@login_required
def setup(request):
    """Link an authenticator app, then show the recovery codes once."""
    user = request.user
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(f"{reverse('kexie:2fa-verify')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(user)
            django_otp.login(request, device)
            _audit(request, "2fa_enabled")
            return TemplateResponse(
                request,
                "admin/twofactor/recovery_codes.html",
                _context(request, title=_("Recovery codes"), codes=codes),
            )
        form.add_error(
            "token", _("This code is not right. Check the time on your phone and try again.")
        )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return TemplateResponse(
        request,
        "admin/twofactor/setup.html",
        _context(
            request,
            title=_("Set up two-factor sign-in"),
            form=form,
            qr_svg=_qr_svg(device.config_url),
            secret=secret,
        ),
    )


def _new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(_("Recovery codes")))
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                _audit(request, "2fa_recovery_code_used")
            return redirect(_next_url(request))
        _audit(request, "2fa_failed", action="denied")
        form.add_error("token", _("This code is not right, or it was already used."))
    return TemplateResponse(
        request,
        "admin/twofactor/verify.html",
        _context(request, title=_("Two-factor sign-in"), form=form),
    )
