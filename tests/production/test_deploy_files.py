"""deploy/ as an operator installs it: nginx accepts the site, the environment file names every
setting, and the systemd units run what the README says."""

import re
from pathlib import Path

from tests.support.nginx import REPO, NginxServer

DEPLOY = REPO / "deploy"


def _settings_read_by_config() -> set[str]:
    source = (REPO / "config.py").read_text()
    names = set(re.findall(r'(?:env\.get|_env_int)\("([A-Z_]+)"', source))
    return names - {"FLASK_DEBUG"}  # debug is refused in production; not an operator's setting


def test_nginx_accepts_the_deploy_site() -> None:
    server = NginxServer(upstreams=["127.0.0.1:8001", "127.0.0.1:8002"])
    try:
        assert "syntax is ok" in server.check()
    finally:
        server.stop()


def test_the_environment_file_names_every_setting() -> None:
    example = (DEPLOY / "referrals.env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, flags=re.MULTILINE))
    missing = _settings_read_by_config() - named
    assert not missing, f"referrals.env.example lacks {sorted(missing)}"


def test_the_readme_explains_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    missing = {name for name in _settings_read_by_config() if f"`{name}`" not in readme}
    assert not missing, f"README.md's Settings table lacks {sorted(missing)}"


def test_the_units_run_gunicorn_and_one_scheduler_that_restarts() -> None:
    web = (DEPLOY / "systemd" / "referrals-web.service").read_text()
    scheduler = (DEPLOY / "systemd" / "referrals-scheduler.service").read_text()
    assert "gunicorn --config deploy/gunicorn.conf.py" in web
    assert "run-scheduler" in scheduler and "Restart=always" in scheduler
    for unit in (web, scheduler):
        assert "EnvironmentFile=/etc/referrals/referrals.env" in unit
        assert Path(re.findall(r"WorkingDirectory=(\S+)", unit)[0]) == Path("/srv/referrals")
