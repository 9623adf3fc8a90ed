"""The records between grader, supervisor and kernel launcher, and the run folder, without starting a kernel."""
import dataclasses
import json
import os
import stat

import pytest

from cv2course.exercises.grading import protocol


def _spec(**changes):
    spec = protocol.RunSpec(env={"HOME": "/x"}, cells=[[0, "1 + 1"]], timeout=2.5, total_timeout=30.0,
                            setup_timeout=300.0, grace=2.0, preload=["numpy"], reference_files=[],
                            reference_packages=["cv2course.nst"], library=["/usr"], parent_pid=1, owner=None,
                            budget={"memory": 1, "processes": 16, "version": None, "memory_dir": None,
                                    "pids_dir": None},
                            tasks=[protocol.Task("gram_matrix", "gram", "gram_matrix-ab12")])
    return dataclasses.replace(spec, **changes)


def test_a_record_reads_back_as_written_and_a_missing_or_unknown_field_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    protocol.write(_spec(), path)
    back = protocol.read(protocol.RunSpec, path)
    assert back == _spec() and back.tasks[0].answers == "gram_matrix-ab12"
    data = json.loads(path.read_text())
    for broken in ({k: v for k, v in data.items() if k != "timeout"}, {**data, "timeuot": 3}):
        path.write_text(json.dumps(broken))
        with pytest.raises(ValueError, match="spec.json: expected the fields"):
            protocol.read(protocol.RunSpec, path)


def test_the_run_folder_gives_the_kernels_user_only_its_own_folders(tmp_path):
    root = tmp_path / "run"
    root.mkdir()
    folder = protocol.RunFolder(root)
    owner = (os.getuid() + 12345, os.getgid() + 12345) if os.geteuid() == 0 else None
    folder.create(owner=owner)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(folder.private) == mode(folder.kernel) == 0o700
    assert mode(folder.root) == (0o711 if owner else 0o700)
    assert folder.audit.is_file() and folder.inputs("t").parent == folder.outputs("t").parent
    if owner:
        assert {(p.stat().st_uid, p.stat().st_gid) for p in (folder.scratch, folder.channel, folder.audit)} == {owner}
        assert folder.private.stat().st_uid == folder.exchange.stat().st_uid == 0
