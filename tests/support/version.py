"""Version files of every detected kind, each as committed at 1.2.3 and as finish must leave it
at 1.2.4: only the version's bytes differ (quoting, comments, order and CRLF line ends kept)."""

from __future__ import annotations

# path -> (bytes at 1.2.3, bytes at 1.2.4)
FILES: dict[str, tuple[bytes, bytes]] = {
    "package.json": (
        b'{\r\n  "name": "shop",\r\n  "version": "1.2.3",\r\n'
        b'  "dependencies": {"version": "9.9.9"}\r\n}\r\n',
        b'{\r\n  "name": "shop",\r\n  "version": "1.2.4",\r\n'
        b'  "dependencies": {"version": "9.9.9"}\r\n}\r\n',
    ),
    "pyproject.toml": (
        b"[project]\nname = \"shop\"\nversion = '1.2.3'  # bumped by finish\n\n"
        b'[tool.other]\nversion = "0.1"\n',
        b"[project]\nname = \"shop\"\nversion = '1.2.4'  # bumped by finish\n\n"
        b'[tool.other]\nversion = "0.1"\n',
    ),
    "setup.cfg": (
        b"[metadata]\nname = shop\nversion = 1.2.3\n\n[options]\nzip_safe = False\n",
        b"[metadata]\nname = shop\nversion = 1.2.4\n\n[options]\nzip_safe = False\n",
    ),
    "Cargo.toml": (
        b'[package]\nname = "shop"\nversion    = "1.2.3"\n\n[dependencies]\n'
        b'serde = { version = "1.0" }\n',
        b'[package]\nname = "shop"\nversion    = "1.2.4"\n\n[dependencies]\n'
        b'serde = { version = "1.0" }\n',
    ),
    "gradle.properties": (
        b"org.gradle.jvmargs=-Xmx2g\n# the release\nversion=1.2.3\n",
        b"org.gradle.jvmargs=-Xmx2g\n# the release\nversion=1.2.4\n",
    ),
    "build.gradle": (
        b"plugins {\n    id 'java' version '8.0'\n}\nversion '1.2.3'\n",
        b"plugins {\n    id 'java' version '8.0'\n}\nversion '1.2.4'\n",
    ),
    "build.gradle.kts": (
        b'android {\r\n    defaultConfig {\r\n        versionName = "1.2.3"\r\n'
        b"        versionCode = 10\r\n    }\r\n}\r\n",
        b'android {\r\n    defaultConfig {\r\n        versionName = "1.2.4"\r\n'
        b"        versionCode = 10\r\n    }\r\n}\r\n",
    ),
    "pom.xml": (
        b'<?xml version="1.0"?>\n<project>\n  <parent>\n    <version>9.0</version>\n  </parent>\n'
        b"  <!-- <version>0.0</version> -->\n  <version>1.2.3</version>\n"
        b"  <dependencies><dependency><version>2.0</version></dependency></dependencies>\n"
        b"</project>\n",
        b'<?xml version="1.0"?>\n<project>\n  <parent>\n    <version>9.0</version>\n  </parent>\n'
        b"  <!-- <version>0.0</version> -->\n  <version>1.2.4</version>\n"
        b"  <dependencies><dependency><version>2.0</version></dependency></dependencies>\n"
        b"</project>\n",
    ),
    "composer.json": (
        b'{"name": "acme/shop", "version": "v1.2.3", "require": {"php": ">=8.1"}}',
        b'{"name": "acme/shop", "version": "v1.2.4", "require": {"php": ">=8.1"}}',
    ),
    "Chart.yaml": (
        b'apiVersion: v2\nname: shop\nversion: "1.2.3"  # chart\nappVersion: 7.0.0\n',
        b'apiVersion: v2\nname: shop\nversion: "1.2.4"  # chart\nappVersion: 7.0.0\n',
    ),
    "VERSION": (b"1.2.3\n", b"1.2.4\n"),
    "src/shop/__init__.py": (
        b'"""The shop."""\n\n__version__ = "1.2.3"\n',
        b'"""The shop."""\n\n__version__ = "1.2.4"\n',
    ),
}
# The line each file states its version on.
LINES = {
    "package.json": 3,
    "pyproject.toml": 3,
    "setup.cfg": 3,
    "Cargo.toml": 3,
    "gradle.properties": 3,
    "build.gradle": 4,
    "build.gradle.kts": 3,
    "pom.xml": 7,
    "composer.json": 1,
    "Chart.yaml": 3,
    "VERSION": 1,
    "src/shop/__init__.py": 3,
}
