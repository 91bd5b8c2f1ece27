"""Fixtures for the browser tests: a throwaway JupyterLab server and the system Chromium.

The server runs from this Python environment (the project's venv under `make`), on a free
loopback port with no token, with its config, data, runtime, settings and workspace folders in
a temporary directory and a copy of notebooks/, so a run never touches the checkout or the
learner's own Jupyter setup.
"""

import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "install it with `sudo apt-get install chromium` (Debian/Ubuntu; `chromium-browser` on "
    "older Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable"
)
# Chromium on a machine with no internet: no sandbox as root, no background calls home.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# User settings for the test server: Binder's overrides (no news pop-up, widget state saved),
# plus no autosave (the copy is thrown away) and every cell attached to the page, so that cells
# below the fold can be read and screenshotted.
TEST_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
SERVER_START_TIMEOUT = 120
LAB_LATENCY_BUDGET_MS = 150
LAB_LATENCIES = pytest.StashKey[list]()


@pytest.fixture
def lab_latencies(request):
    """JupyterLab slider moves of this session: ms from key press to new figure (polled)."""
    return request.config.stash.setdefault(LAB_LATENCIES, [])


def pytest_terminal_summary(terminalreporter):
    """Report the JupyterLab slider latency the browser tests measured (timings, not a test)."""
    if latencies := terminalreporter.config.stash.get(LAB_LATENCIES, []):
        ordered = sorted(latencies)
        median = ordered[len(ordered) // 2]
        terminalreporter.write_line(
            f"JupyterLab slider latency, key press -> new figure (polled every 50 ms): median "
            f"{median:.0f} ms over {len(ordered)} moves, worst {ordered[-1]:.0f} ms (budget: "
            f"median < {LAB_LATENCY_BUDGET_MS} ms on a quiet machine)"
        )


def find_chromium():
    """CHROMIUM_PATH if set, else the first Chromium/Chrome on PATH; None if there is none."""
    if path := os.environ.get("CHROMIUM_PATH"):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            pytest.fail(f"CHROMIUM_PATH={path} is not an executable file")
        return path
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        message = f"no Chromium found for the browser tests: {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=args)
        yield chromium
        chromium.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_user_settings(folder):
    """One `<package>/<plugin>.jupyterlab-settings` file per plugin id `<package>:<plugin>`."""
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    for plugin_id, values in {**overrides, **TEST_SETTINGS}.items():
        package, plugin = plugin_id.split(":")
        path = folder / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class LabServer:
    def __init__(self, url, root, log):
        self.url, self.root, self.log = url, root, log

    def api(self, method, path):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


@contextlib.contextmanager
def lab_server(home):
    """A JupyterLab server with its folders and a copy of notebooks/ under `home`."""
    root = home / "root"
    shutil.copytree(
        ROOT / "notebooks",
        root / "notebooks",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
    )
    write_user_settings(home / "settings")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    # A learner's kernel draws figures inline; the test runner's Agg backend must not leak in.
    env.pop("MPLBACKEND", None)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.allow_root=True",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp lets the test read the notebook model (outputs) after a run.
        "--LabApp.expose_app_in_browser=True",
    ]
    log = home / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = LabServer(f"http://127.0.0.1:{port}", root, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({process.returncode}):\n{log.read_text()}")
            try:
                server.api("GET", "status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not start in {SERVER_START_TIMEOUT} s"
                    ) from None
                time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    try:
        with lab_server(tmp_path_factory.mktemp("jupyterlab")) as server:
            yield server
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def artifacts():
    """Where screenshots go (git-ignored)."""
    folder = Path(__file__).parent / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()
    lab.shutdown_kernels()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The web edition, built once per session into a temporary folder (`make html`'s builder;
    its frame cache in build/frames makes a rebuild with unchanged notebooks quick)."""
    out = tmp_path_factory.mktemp("web") / "site"
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_site
    finally:
        sys.path.pop(0)
    build_site.build(out)
    return out


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site served over HTTP on a free loopback port, from a thread."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        """No request log on the test output."""


@pytest.fixture
def site_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()
