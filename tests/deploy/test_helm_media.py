"""The nginx of the Helm chart that serves public uploads, run with the configuration the chart
renders (Debian's nginx in place of the image's): public prefixes answer, every private path and
every attempt to climb out of a public prefix answers 404.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.test_helm import CI_VALUES, named, render
from tests.support.broker import answers, free_port, wait


@pytest.fixture
def media_server(tmp_path: Path) -> Iterator[str]:
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if nginx is None:
        pytest.fail("this test needs nginx (Debian: nginx-light; .ci/run installs it)", pytrace=False)
    config_map = named(render(CI_VALUES[0]), "ConfigMap", "-media")
    port = free_port()
    root = tmp_path / "srv"
    server = (
        config_map["data"]["default.conf"]
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
        .replace("root /srv;", f"root {root};")
    )
    assert f"127.0.0.1:{port}" in server and str(root) in server, "the rendered configuration changed shape"
    (tmp_path / "server.conf").write_text(server)
    temp = tmp_path / "temp"
    temp.mkdir()
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    # Started by root, nginx's workers would become "nobody", who cannot read pytest's private
    # temporary folders (in the pod it runs as the image's user, a member of the volume's group).
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""
daemon off;
{user}
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log;
events {{ worker_connections 64; }}
http {{
    {mime_types}
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/server.conf;
}}
"""
    )
    for name, body in {
        "media/avatars/a1b2.png": "avatar",
        "media/communities/covers/c3d4.jpg": "cover",
        "media/attachments/secret.pdf": "secret attachment",
        "media/documents/secret.docx": "secret document",
        "media/communities/secret.txt": "not a cover",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body)
    log = tmp_path / "nginx.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [nginx, "-c", str(tmp_path / "nginx.conf"), "-e", str(temp / "error.log")],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait(lambda: answers(port), what="nginx to start", timeout=30, log=log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_public_uploads_are_served_and_private_ones_never(media_server):
    assert get(f"{media_server}/healthz") == (200, "ok\n")
    assert get(f"{media_server}/media/avatars/a1b2.png") == (200, "avatar")
    assert get(f"{media_server}/media/communities/covers/c3d4.jpg") == (200, "cover")
    for path in (
        "/media/attachments/secret.pdf",
        "/media/documents/secret.docx",
        "/media/communities/secret.txt",
        "/media/avatars/../attachments/secret.pdf",
        "/media/avatars/%2e%2e/attachments/secret.pdf",
        "/media/avatars%2f..%2fattachments/secret.pdf",
        "/media/",
        "/",
    ):
        status, body = get(f"{media_server}{path}")
        assert status == 404, path
        assert "secret" not in body, path
