import pytest

from cv2course.atomic import atomic_path


def test_success_replaces_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".txt" and tmp != target
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_folder_target_is_rejected(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        with atomic_path(tmp_path):
            pass


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        target = tmp_path / "new.txt"
        with atomic_path(target) as tmp:
            tmp.write_text("x")
        assert target.stat().st_mode & 0o777 == 0o644  # as open() would make it, not mkstemp's 0600
        os.chmod(target, 0o640)
        with atomic_path(target) as tmp:
            tmp.write_text("y")
        assert target.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
