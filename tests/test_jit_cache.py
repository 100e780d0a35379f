"""The kernel folders: one per version of the emulator, the four used last kept."""

import os
import time

from neurochip.emulator import jit_cache


def _folder(base, name, used_ago=None):
    path = base / name
    path.mkdir()
    (path / "kernel.nbi").write_bytes(b"x")
    if used_ago is not None:
        stamp = path / jit_cache.STAMP
        stamp.touch()
        t = time.time() - used_ago
        os.utime(stamp, (t, t))
    return path


def test_the_folders_used_last_are_kept_and_the_others_removed(tmp_path):
    hexes = [f"{i:016x}" for i in range(7)]
    old = [_folder(tmp_path, f"numba-{h}", used_ago=1000.0 * (i + 1)) for i, h in enumerate(hexes[:5])]
    never = _folder(tmp_path, f"numba-{hexes[5]}")  # no stamp: its own modification time
    t = time.time() - 1e6
    os.utime(never, (t, t))
    other = _folder(tmp_path, "brian2-cuba-4000")  # not a kernel folder: never touched
    odd = _folder(tmp_path, "numba-notahash")
    current = tmp_path / f"numba-{hexes[6]}"  # this process's: made and stamped

    gone = jit_cache.keep_recent(str(current))

    assert (current / jit_cache.STAMP).exists()
    kept = sorted(p.name for p in tmp_path.iterdir())
    # the current one and the three used most recently of the others
    assert kept == sorted([current.name, old[0].name, old[1].name, old[2].name, other.name, odd.name])
    assert sorted(gone) == sorted(str(p) for p in (old[3], old[4], never))
    assert (other / "kernel.nbi").exists()


def test_a_cache_it_cannot_write_removes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert jit_cache.keep_recent(str(blocker / f"numba-{0:016x}")) == []


def test_this_process_uses_a_stamped_versioned_folder():
    folder = jit_cache.use_versioned_cache()
    if os.environ.get("NUMBA_CACHE_DIR"):
        return  # the user's folder: not ours to stamp
    assert jit_cache._FOLDER.match(os.path.basename(folder))
    assert os.path.exists(os.path.join(folder, jit_cache.STAMP))
