# SPDX-License-Identifier: MIT
"""A PEP 517 build backend made of the standard library only.

pip builds a package in an isolated environment and would download
setuptools into it; offline, on a machine with Debian's Python, that
fails. This backend needs nothing: it zips the pure-Python package
``shmdev/`` into a wheel (PEP 427) with its metadata (core metadata 2.1),
and makes sdists and editable wheels (PEP 660) the same way.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "shmdev"


def _project() -> dict:
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _metadata() -> str:
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}",
             f"Version: {p['version']}", f"Summary: {p['description']}",
             f"Requires-Python: {p['requires-python']}",
             f"License: {p['license']['text']}"]
    lines += [f"Classifier: {c}" for c in p.get("classifiers", [])]
    for extra, reqs in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in reqs]
    with open(os.path.join(HERE, p["readme"]), encoding="utf-8") as f:
        lines += ["Description-Content-Type: text/markdown", "", f.read()]
    return "\n".join(lines) + "\n"


def _dist_info() -> str:
    p = _project()
    return f"{p['name']}-{p['version']}.dist-info"


def _sources() -> list[str]:
    out = []
    for root, dirs, files in os.walk(os.path.join(HERE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out += [os.path.relpath(os.path.join(root, f), HERE)
                for f in sorted(files) if not f.endswith(".pyc")]
    return out


def _wheel(directory: str, files: dict[str, bytes]) -> str:
    p = _project()
    name = f"{p['name']}-{p['version']}-py3-none-any.whl"
    info = _dist_info()
    files[f"{info}/METADATA"] = _metadata().encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: shmdev "
                              b"build_backend\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
        record.append(f"{path},sha256={digest.rstrip(b'=').decode()},"
                      f"{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(os.path.join(directory, name), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), data)
    return name


def _read(path: str) -> bytes:
    with open(os.path.join(HERE, path), "rb") as f:
        return f.read()


def get_requires_for_build_wheel(config_settings=None) -> list[str]:
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None) -> str:
    return _wheel(wheel_directory, {s: _read(s) for s in _sources()})


def build_editable(wheel_directory, config_settings=None,
                   metadata_directory=None) -> str:
    return _wheel(wheel_directory, {f"{PACKAGE}.pth": (HERE + "\n").encode()})


def build_sdist(sdist_directory, config_settings=None) -> str:
    p = _project()
    base = f"{p['name']}-{p['version']}"
    extra = ["pyproject.toml", "build_backend.py", p["readme"]]
    with tarfile.open(os.path.join(sdist_directory, base + ".tar.gz"),
                      "w:gz", format=tarfile.PAX_FORMAT) as t:
        for path in extra + _sources():
            t.add(os.path.join(HERE, path), f"{base}/{path}")
        pkg_info = _metadata().encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size = len(pkg_info)
        t.addfile(ti, io.BytesIO(pkg_info))
    return base + ".tar.gz"
