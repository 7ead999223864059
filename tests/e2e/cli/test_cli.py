"""The command line as a user runs it: real processes, real exit codes, messages without tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_SITE = """
districts:
  - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
tenants:
  - {id: magnum-1, name: Magnum, kind: shop, allowed_categories: [public_order]}
cameras:
  - {id: street-0001, name: Abay/Dostyk, kind: street, purpose: public_order, district: almaly,
     lat: 43.2501, lon: 76.9502, heading: 90}
  - {id: shop-0001, name: Magnum hall, kind: shop, purpose: retail_security, district: almaly,
     owner_tenant: magnum-1, lat: 43.2511, lon: 76.9412}
"""


def kuzet(db: Path, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KUZET_DATABASE_URL": f"sqlite:///{db}", "COLUMNS": "200", **env}
    return subprocess.run(
        [sys.executable, "-m", "kuzet", *args],
        capture_output=True,
        text=True,
        env=environment,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kuzet.db"
    result = kuzet(path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return path


def assert_clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr, result.stderr


def test_config_check_lists_every_bad_key(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(GOOD_SITE.replace("kind: street", "kind: tram").replace("heading: 90", "heading: 400"))
    result = kuzet(tmp_path / "unused.db", "config", "check", str(site))
    assert_clean_failure(result, "2 errors", "cameras[0].kind", "cameras[0].heading")
    site.write_text(GOOD_SITE.replace("owner_tenant: magnum-1", "owner_tenant: x"))
    result = kuzet(tmp_path / "unused.db", "config", "check", str(site))
    assert_clean_failure(result, "cameras[1].owner_tenant: unknown tenant 'x'")
    site.write_text(GOOD_SITE)
    ok = kuzet(tmp_path / "unused.db", "config", "check", str(site))
    assert ok.returncode == 0
    assert "valid" in ok.stdout


def test_config_check_loads_the_analytics_and_names_a_missing_model(tmp_path: Path) -> None:
    rules = (
        "zones:\n  - {id: walk, camera: street-0001, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]}\n"
        "rules:\n  - {type: loitering, id: walk-loiter, zone: walk}\n"
    )
    site = tmp_path / "site.yaml"
    site.write_text("analytics: {detector: {type: opencv_hog}}\n" + GOOD_SITE + rules)
    ok = kuzet(tmp_path / "unused.db", "config", "check", str(site))
    assert ok.returncode == 0, ok.stderr
    assert "street-0001" in ok.stdout
    assert "walk-loiter" in ok.stdout
    assert "ready" in ok.stdout
    site.write_text(
        f"analytics: {{detector: {{type: nanodet, model: {tmp_path / 'gone.onnx'}}}}}\n" + GOOD_SITE + rules
    )
    broken = kuzet(tmp_path / "unused.db", "config", "check", str(site))
    assert broken.returncode == 1
    assert "gone.onnx" in broken.stdout
    assert "analytics cannot start on 1 camera(s)" in broken.stderr


def test_camera_import_add_list_and_a_duplicate(db: Path, tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(GOOD_SITE)
    assert kuzet(db, "camera", "import", str(site)).returncode == 0
    added = kuzet(
        db,
        "camera",
        "add",
        "ptz-0001",
        "--name",
        "Tower",
        "--kind",
        "ptz",
        "--purpose",
        "public_order",
        "--district",
        "almaly",
        "--lat",
        "43.24",
        "--lon",
        "76.94",
    )
    assert added.returncode == 0, added.stderr
    listing = kuzet(db, "camera", "list")
    assert "3 cameras" in listing.stdout
    assert "ptz-0001" in listing.stdout
    again = kuzet(
        db,
        "camera",
        "add",
        "ptz-0001",
        "--name",
        "Tower",
        "--kind",
        "ptz",
        "--purpose",
        "public_order",
        "--district",
        "almaly",
        "--lat",
        "43.24",
        "--lon",
        "76.94",
    )
    assert_clean_failure(again, "camera 'ptz-0001' already exists")


def test_unknown_kind_is_refused_by_the_cli(db: Path) -> None:
    result = kuzet(
        db,
        "camera",
        "add",
        "x-1",
        "--name",
        "x",
        "--kind",
        "tram",
        "--purpose",
        "public_order",
        "--district",
        "almaly",
    )
    assert result.returncode == 2
    assert "tram" in result.stderr


def test_a_csv_with_bad_rows_names_them_and_imports_nothing(db: Path, tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(GOOD_SITE)
    kuzet(db, "camera", "import", str(site))
    rows = tmp_path / "cameras.csv"
    rows.write_text(
        "id,name,kind,purpose,district,lat,lon\n"
        "street-0100,Satpaev,street,public_order,almaly,43.23,76.93\n"
        "street-0101,Tole bi,streeet,public_order,almaly,43.23,76.93\n"
        "street-0102,Gogol,street,public_order,almaly,91,76.93\n"
    )
    result = kuzet(db, "camera", "import", str(rows))
    assert_clean_failure(result, "2 bad rows", "cameras.csv:3: kind", "cameras.csv:4: lat")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM cameras").fetchone() == (2,)


def test_user_add_then_list(db: Path) -> None:
    added = kuzet(
        db, "user", "add", "duty-1", "--role", "operator", KUZET_NEW_PASSWORD="long enough password"
    )
    assert added.returncode == 0, added.stderr
    assert "duty-1" in kuzet(db, "user", "list").stdout
    weak = kuzet(db, "user", "add", "duty-2", "--role", "operator", KUZET_NEW_PASSWORD="short")
    assert_clean_failure(weak, "at least 10 characters")


def test_audit_verify_passes_then_names_the_tampered_record(db: Path, tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(GOOD_SITE)
    kuzet(db, "camera", "import", str(site))
    kuzet(db, "user", "add", "duty-1", "--role", "operator", KUZET_NEW_PASSWORD="long enough password")
    clean = kuzet(db, "audit", "verify")
    assert clean.returncode == 0
    assert "audit chain intact: 2 records verified" in clean.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER audit_records_no_update")
        conn.execute("UPDATE audit_records SET actor = 'nobody' WHERE seq = 1")
    tampered = kuzet(db, "audit", "verify")
    assert tampered.returncode == 1
    assert "record 1: content was edited" in tampered.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kuzet", "camera", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "KUZET_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/kuzet"},
    )
    assert_clean_failure(result, "cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/kuzet")


def test_serve_refuses_an_unmigrated_database_and_an_unreachable_bus(tmp_path: Path, db: Path) -> None:
    fresh = kuzet(tmp_path / "fresh.db", "serve")
    assert_clean_failure(fresh, "run `kuzet db upgrade`")
    no_bus = kuzet(db, "serve", KUZET_BUS_URL="nats://127.0.0.1:1")
    assert_clean_failure(no_bus, "nats://127.0.0.1:1")


def test_production_mode_refuses_the_default_secret(db: Path) -> None:
    result = kuzet(db, "camera", "list", KUZET_MODE="production")
    assert_clean_failure(result, "KUZET_SECRET_KEY")
