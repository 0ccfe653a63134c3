"""Fetch the front-end libraries listed in assets.json from the npm registry.

Run as ``python klout/assets.py``: a plain script, so that it loads no settings. It needs
only the Python standard library, so it works on a machine without Node.js. Each tarball
is checked against the integrity hash that the registry published for it before any file
is written; files already present with the
right content are left alone, so the command is cheap to run on every start.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "assets.json"
VENDOR_DIR = ROOT / "static" / "vendor"
DEFAULT_REGISTRY = "https://registry.npmjs.org"


class AssetError(Exception):
    pass


def tarball_url(registry: str, name: str, version: str) -> str:
    basename = name.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{name}/-/{basename}-{version}.tgz"


def check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise AssetError(f"integrity mismatch: expected {integrity}, got {algorithm}-{digest}")


def stamp_path(package: dict) -> Path:
    return VENDOR_DIR / ".stamps" / f"{package['name'].replace('/', '__')}@{package['version']}"


def fetch_package(package: dict, registry: str) -> bool:
    """Download, verify and unpack one package; return False when it was already present."""
    stamp = stamp_path(package)
    targets = [VENDOR_DIR / dest for dest in package["files"].values()]
    if stamp.exists() and all(t.exists() for t in targets):
        return False
    url = tarball_url(registry, package["name"], package["version"])
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https registry)
            data = response.read()
    except OSError as exc:
        raise AssetError(f"could not download {url}: {exc}") from exc
    check_integrity(data, package["integrity"])
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for source, dest in package["files"].items():
            member = archive.extractfile(f"package/{source}")
            if member is None:
                raise AssetError(f"{package['name']} has no file {source}")
            target = VENDOR_DIR / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(package["integrity"])
    return True


def main() -> int:
    registry = os.environ.get("NPM_REGISTRY", DEFAULT_REGISTRY)
    packages = json.loads(MANIFEST.read_text())["packages"]
    try:
        for package in packages:
            if fetch_package(package, registry):
                print(f"assets: fetched {package['name']}@{package['version']}")
    except AssetError as exc:
        print(f"assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
