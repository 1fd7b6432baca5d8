from django.conf import settings


def site(request):
    return {
        "site_name": settings.KEXIE_SITE_NAME,
        "site_short_name": settings.KEXIE_SITE_SHORT_NAME,
        "icp_number": settings.KEXIE_ICP_NUMBER,
        "public_security_number": settings.KEXIE_PUBLIC_SECURITY_NUMBER,
    }
