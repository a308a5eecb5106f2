"""The `yibao` command on a database that was never migrated says what to do, not a traceback."""
import os
import subprocess
import sys


def test_a_command_before_migrate_names_the_fix(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3", "YIBAO_VAR_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "yibao.cli", "items", "status"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "yibao migrate" in run.stderr and "数据库尚未建好" in run.stderr
    assert "Traceback" not in run.stderr


def test_after_migrate_the_same_command_runs(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3", "YIBAO_VAR_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "yibao.cli", "migrate", "-v", "0"], env=env, check=True,
                   capture_output=True, timeout=300)
    run = subprocess.run([sys.executable, "-m", "yibao.cli", "items", "status"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "数据库尚未建好" not in run.stderr
